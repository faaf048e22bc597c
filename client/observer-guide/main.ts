// The observer instructions page (GET /observer) is readable without JavaScript: the server
// writes it whole (server/web/observer-page.ts). This entry brings its stylesheet and the
// header the other public pages share.
import "../shared/public-pages.css";
import { publicHeader } from "../shared/public-header.js";
import { pageLang, translator } from "../shared/public-i18n.js";

const lang = pageLang();
const main = document.getElementById("urne-main")!;
document.body.insertBefore(publicHeader(lang, translator(lang)), main);

// The header of the public pages (ballots, verify, results): the service's name, the list of
// ballots, the two things a citizen can do without trusting us (check a proof, recount), and
// the other language.
// Built with dom.ts (textContent only, never markup from strings).
import { h } from "./dom.js";
import type { Lang } from "./public-i18n.js";

export function publicHeader(lang: Lang, t: (key: "brand" | "navBallots" | "navVerify" | "navObserver" | "otherLang") => string): HTMLElement {
  const other = lang === "fr" ? "en" : "fr";
  const here = new URL(location.href);
  here.searchParams.set("lang", other);
  return h("header", { class: "site" },
    h("a", { class: "brand", href: `/verify?lang=${lang}` }, t("brand")),
    h("nav", { "aria-label": lang === "fr" ? "Liens du service" : "Service links" },
      h("a", { href: `/ballots?lang=${lang}` }, t("navBallots")),
      h("a", { href: `/verify?lang=${lang}` }, t("navVerify")),
      h("a", { href: `/observer?lang=${lang}` }, t("navObserver")),
      h("a", { href: here.pathname + here.search, lang: other, hreflang: other }, t("otherLang"))));
}

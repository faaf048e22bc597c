// What every screen of the widget shares: where it draws, its language, its ballot.
import type { WidgetBallot } from "../../protocol/api-types.js";
import type { Login } from "./login.js";
import type { Lang, Translate } from "./strings.js";


/**
 * The page's configuration (server/web/widget-routes.ts writes it as JSON). `fingerprint`
 * and `nodes` come from the partner's embed tag (data-fingerprint, data-nodes), through
 * the frame's URL: the vote host passes them on, checked for shape, and cannot choose them.
 */
export type WidgetConfig = { ballotId: string; lang: Lang; host: string | null; relayUrl: string; fingerprint?: string; nodes?: string[] };

export type WidgetContext = {
  root: HTMLElement;
  config: WidgetConfig;
  lang: Lang;
  t: Translate;
  ballot: WidgetBallot;
  /** Set after the login popup answered; forgotten on "Ce n'est pas moi". */
  login?: Login;
};

export function readConfig(): WidgetConfig {
  const text = document.getElementById("urne-widget-config")?.textContent;
  if (!text) throw new Error("the widget page has no configuration");
  const config = JSON.parse(text) as WidgetConfig;
  return {
    ballotId: String(config.ballotId), lang: config.lang === "en" ? "en" : "fr", host: config.host ?? null, relayUrl: String(config.relayUrl),
    ...(typeof config.fingerprint === "string" ? { fingerprint: config.fingerprint } : {}),
    ...(Array.isArray(config.nodes) ? { nodes: config.nodes.map(String) } : {}),
  };
}

// The widget's links to the public pages (check a proof, the results): in the widget's
// language, opened in a new window (the widget is a frame on another site) and saying so,
// in words a screen reader reads and a sign the eye sees (RGAA 13.2).
import { h } from "../shared/dom.js";
import type { WidgetContext } from "./context.js";

function newWindowLink(ctx: WidgetContext, href: string, label: string): HTMLElement {
  return h("a", { href, target: "_blank", rel: "noopener noreferrer" },
    label, h("span", { "aria-hidden": "true" }, " ↗"), h("span", { class: "visually-hidden" }, ` (${ctx.t("newWindow")})`));
}

export function pageLinks(ctx: WidgetContext): HTMLElement {
  return h("p", { class: "links" },
    newWindowLink(ctx, `/verify?lang=${ctx.lang}`, ctx.t("verify")),
    newWindowLink(ctx, `/results/${encodeURIComponent(ctx.ballot.id)}?lang=${ctx.lang}`, ctx.t("results")));
}

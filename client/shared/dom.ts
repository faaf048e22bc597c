// A tiny DOM builder for the browser pages: elements are built with textContent and
// setAttribute only (never innerHTML), so that a question or option label from a ballot
// can never become markup, and no inline handler exists for the CSP to refuse.
export type Child = Node | string | number | null | undefined | false;
export type Attributes = Record<string, string | number | boolean | null | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
  }
}

/**
 * Replaces the content of `parent` and moves the focus to its first heading, for screen
 * readers and keyboards. Not on a page's first screen: a framed widget must not take the
 * focus from the page around it before the visitor has touched it.
 */
export function show(parent: HTMLElement, ...children: Child[]): void {
  showQuietly(parent, ...children);
  const heading = parent.querySelector<HTMLElement>("h1, h2");
  if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
}

/** Replaces the content of `parent`, focus left where it is. */
export function showQuietly(parent: HTMLElement, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

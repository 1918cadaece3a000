/** Small DOM builders for sections rendered in script (text always through textContent, never HTML). */

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  return node;
}

export function button(text: string, onClick: () => void, secondary = true): HTMLButtonElement {
  const b = el("button", text);
  b.type = "button";
  if (secondary) b.className = "secondary";
  b.addEventListener("click", onClick);
  return b;
}

/** A paragraph that announces failures (role=alert), hidden until one happens. */
export function alertLine(): HTMLParagraphElement {
  const p = el("p");
  p.className = "error";
  p.setAttribute("role", "alert");
  p.hidden = true;
  return p;
}

// A DOM for React in the node environment (vitest's jsdom environment replaces
// globals such as URL, which the server started beside it relies on).
interface JSDOMLike {
  window: Window & typeof globalThis;
}
const specifier = "jsdom";
const { JSDOM } = (await import(specifier)) as { JSDOM: new (html: string, options: { url: string }) => JSDOMLike };
const { window } = new JSDOM("<!doctype html><html><body></body></html>", { url: "http://localhost/" });
Object.assign(globalThis, {
  window,
  document: window.document,
  HTMLElement: window.HTMLElement,
  Node: window.Node,
  IS_REACT_ACT_ENVIRONMENT: true,
});

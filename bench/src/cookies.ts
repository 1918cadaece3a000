/** Applies Set-Cookie lines to a name → value map (what the load drivers send back); Max-Age=0 deletes. */
export function applySetCookies(cookies: Map<string, string>, lines: readonly string[]): void {
  for (const line of lines) {
    const [pair = ""] = line.split(";");
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq);
    if (/;\s*max-age=0/i.test(line)) cookies.delete(name);
    else cookies.set(name, pair.slice(eq + 1));
  }
}

/**
 * The "Passkeys" section: the signed-in user's passkeys (name, when added and
 * last used, synced or bound to this device), add one (the browser's own
 * prompt, through the SDK's registerPasskey), rename and remove. Adding and
 * removing are sensitive: after STEP_UP_MAX_AGE the server asks for a fresh
 * proof first, and `prove` (the step-up prompt) asks the user for it.
 */
import { type ProveIdentity, type TollgateClient, withStepUp } from "@tollgate/client-sdk";
import { registerPasskey } from "@tollgate/client-sdk/passkey";
import { errorText } from "./errors.js";
import { formatDate } from "./format.js";
import { t } from "./i18n.js";
import { view } from "./view.js";

type Passkey = Awaited<ReturnType<TollgateClient["auth"]["passkey"]["list"]["query"]>>[number];

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(text: string, onClick: () => void, label?: string): HTMLButtonElement {
  const b = el("button", text);
  b.type = "button";
  b.className = "secondary";
  if (label) b.setAttribute("aria-label", label);
  b.addEventListener("click", onClick);
  return b;
}

function describe(passkey: Passkey): string {
  const added = t("passkeys.added", { date: formatDate(passkey.createdAt) });
  const used =
    passkey.lastUsedAt === null
      ? t("passkeys.neverUsed")
      : t("passkeys.lastUsed", { date: formatDate(passkey.lastUsedAt) });
  const kind = passkey.backedUp ? t("passkeys.synced") : t("passkeys.deviceOnly");
  return [added, used, kind].join(" · ");
}

export function createPasskeySection(api: TollgateClient, prove: ProveIdentity) {
  const error = el("p");
  error.className = "error";
  error.setAttribute("role", "alert");
  error.hidden = true;
  const fail = (e: unknown) => {
    error.hidden = false;
    error.textContent = errorText(e);
  };

  function item(passkey: Passkey): HTMLLIElement {
    const li = el("li");
    li.dataset.passkeyId = passkey.id;
    const info = el("div");
    const meta = el("div", describe(passkey));
    meta.className = "meta";
    info.append(el("div", passkey.name), meta);
    const rename = button(
      t("passkeys.rename"),
      () => renaming(li, passkey),
      t("passkeys.renameLabel", { name: passkey.name }),
    );
    const remove = button(
      t("passkeys.remove"),
      () => {
        withStepUp(api, () => api.auth.passkey.remove.mutate({ id: passkey.id }), prove).then(render, fail);
      },
      t("passkeys.removeLabel", { name: passkey.name }),
    );
    li.append(info, rename, remove);
    return li;
  }

  /** The name becomes a field in place; saving renames. */
  function renaming(li: HTMLLIElement, passkey: Passkey): void {
    const label = el("label", t("passkeys.newName", { name: passkey.name }));
    label.htmlFor = `passkey-name-${passkey.id}`;
    const input = el("input");
    input.id = label.htmlFor;
    input.maxLength = 100;
    input.value = passkey.name;
    const save = button(t("passkeys.saveName"), () => {
      api.auth.passkey.rename.mutate({ id: passkey.id, name: input.value.trim() }).then(render, fail);
    });
    li.replaceChildren(label, input, save);
    input.focus();
  }

  async function render(): Promise<void> {
    const passkeys = await api.auth.passkey.list.query();
    error.hidden = true;
    const list = el("ul");
    list.setAttribute("aria-label", t("passkeys.list"));
    list.append(...passkeys.map(item));
    const intro = el("p", passkeys.length === 0 ? t("passkeys.none") : t("passkeys.some"));
    const nameLabel = el("label", t("passkeys.nameForNew"));
    nameLabel.htmlFor = "new-passkey-name";
    const name = el("input");
    name.id = "new-passkey-name";
    name.maxLength = 100;
    name.placeholder = t("passkeys.namePlaceholder");
    const add = el("button", t("passkeys.add"));
    add.type = "button";
    add.addEventListener("click", () => {
      const given = name.value.trim();
      withStepUp(api, () => registerPasskey(api, given ? { name: given } : {}), prove).then(render, fail);
    });
    const heading = el("h2", t("passkeys.heading"));
    heading.id = "passkeys-heading";
    view.passkeys.setAttribute("aria-labelledby", heading.id);
    view.passkeys.replaceChildren(heading, intro, list, nameLabel, name, add, error);
  }

  return { render };
}

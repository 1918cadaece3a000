import type { MailBodyWrap } from "@tollgate/auth";
import {
  AuthError,
  createPasswordHasher,
  MAX_PASSWORD_LENGTH,
  type PasswordPolicyContext,
  passwordRuleBroken,
  passwordRuleMessage,
  type Sessions,
  usernameLookupForm,
  usernameRuleBroken,
  usernameRuleMessage,
} from "@tollgate/auth";
import type { Kysely } from "kysely";
import { z } from "zod";
import { type EndSessionsDeps, endEverySessionWith } from "../core/end-sessions.js";
import { endWhatThePasswordOpened, setPassword } from "../core/set-password.js";
import type { DatabaseHandle } from "../db/client.js";
import { migrateMethod } from "../db/migrate.js";
import { createDjangoStore } from "../methods/django-compat/store.js";
import { djangoMigrations, djangoTables } from "../methods/django-compat/tables.js";
import { createAccountTokenStore } from "../stores/account-token-store.js";
import { createAdminStore } from "../stores/admin-store.js";
import { createMailOutboxStore } from "../stores/mail-outbox-store.js";
import { createPendingSignInStore } from "../stores/pending-sign-in-store.js";
import { createUserStore, EmailTakenError, UsernameTakenError, type UserStore } from "../stores/user-store.js";
import { CliError, type CommandIo, type Flags } from "./command-io.js";
import { importDjangoUsers } from "./django-import.js";
import { type KeyCommandContext, keyStatus, rotateKeys } from "./keys.js";
import { createOperatorAudit } from "./operator-audit.js";
import { methodsWithTables } from "./stored-methods.js";

export { CliError, type CommandIo, type Flags } from "./command-io.js";

function requireString(flags: Flags, name: string): string {
  const value = flags[name];
  if (typeof value !== "string" || value.length === 0) throw new CliError(`--${name} is required`);
  return value;
}

async function readNewPassword(flags: Flags, io: CommandIo, policy: PasswordPolicyContext): Promise<string> {
  if (flags["password-stdin"] !== true)
    throw new CliError("--password-stdin is required (the password is read from standard input)");
  const password = await io.readPassword();
  if (password.length === 0 || password.length > MAX_PASSWORD_LENGTH) {
    throw new CliError(`The password must have 1 to ${MAX_PASSWORD_LENGTH} characters`);
  }
  const rule = passwordRuleBroken(password, policy);
  if (rule) throw new CliError(passwordRuleMessage(rule));
  return password;
}

function optionalEmail(flags: Flags): string | undefined {
  const value = flags.email;
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !z.email().max(254).safeParse(value).success) {
    throw new CliError("--email must be an email address");
  }
  return value;
}

/** The user named by --username; a CliError when there is none. */
async function namedUser(users: UserStore, flags: Flags) {
  const username = requireString(flags, "username");
  const user = await users.findByUsername(username);
  if (!user) throw new CliError(`No user named ${username}`);
  return user;
}

/** A new username, by the same rules as sign-up (normalizeUsername). */
function validUsername(username: string): string {
  const rule = usernameRuleBroken(username);
  if (rule) throw new CliError(`--username: ${usernameRuleMessage(rule)}`);
  return usernameLookupForm(username);
}

export interface CommandContext {
  readonly database: DatabaseHandle;
  /** The same session rules (and clock) as the server's. */
  readonly sessions: Sessions;
  readonly io: CommandIo;
  /** keys:rotate and keys:status. */
  readonly keys?: KeyCommandContext;
  /** Seals queued mail bodies under AUTH_SECRET, as the server does; without it no mail is queued. */
  readonly mailBodies?: MailBodyWrap;
}

function keysOf(context: CommandContext): KeyCommandContext {
  if (!context.keys) throw new CliError("Signing keys are not available to this command runner");
  return context.keys;
}

export async function runCommand(command: string, flags: Flags, context: CommandContext): Promise<void> {
  const { database, sessions, io } = context;
  const users = createUserStore(database.db);
  const hasher = createPasswordHasher();
  const record = createOperatorAudit(database, io, command);
  /** Ending a user's sessions as a running server does (its methods' hooks included). */
  const endSessionsDeps = async (): Promise<EndSessionsDeps> => ({
    sessions,
    pendingSignIns: createPendingSignInStore(database.db),
    methods: await methodsWithTables(database),
    hookServices: { database, now: Date.now },
  });

  switch (command) {
    case "user:create": {
      const username = validUsername(requireString(flags, "username"));
      const email = optionalEmail(flags);
      const password = await readNewPassword(flags, io, { username, email });
      try {
        const user = await users.create({
          username,
          // An operator vouches for the address: it is stored verified.
          email: email ?? null,
          emailVerified: email !== undefined,
          passwordHash: await hasher.hash(password),
          firstName: typeof flags["first-name"] === "string" ? flags["first-name"] : "",
          lastName: typeof flags["last-name"] === "string" ? flags["last-name"] : "",
        });
        io.print(`Created user ${user.username} (${user.id})`);
      } catch (error) {
        if (error instanceof UsernameTakenError) {
          const exists = (await users.findByUsername(username)) !== undefined;
          throw new CliError(
            `A user named ${username} ${exists ? "already exists" : "looks like an existing user's name"}`,
          );
        }
        if (error instanceof EmailTakenError) throw new CliError(`A user with the address ${email} already exists`);
        throw error;
      }
      return;
    }
    case "user:set-password": {
      const username = requireString(flags, "username");
      const user = await users.findByUsername(username);
      if (!user) throw new CliError(`No user named ${username}`);
      const password = await readNewPassword(flags, io, { username: user.username, email: user.email });
      const outbox = context.mailBodies && createMailOutboxStore(database.db, context.mailBodies);
      let ended: number;
      try {
        ended = await setPassword(
          {
            ...(await endSessionsDeps()),
            users,
            hasher,
            tokens: createAccountTokenStore(database.db),
            // Into the outbox: a running server (or the next one to start) sends it.
            notify: async (mail) => {
              if (outbox) await outbox.enqueue(mail);
              // Queued mail is sealed under AUTH_SECRET: without it the server could not open it.
              else io.print(`No AUTH_SECRET: the "password changed" mail to ${mail.to} was not queued`);
            },
          },
          user,
          password,
        );
      } catch (error) {
        if (error instanceof AuthError && error.code === "PASSWORD_CHANGED_CONCURRENTLY") {
          throw new CliError(`The password of ${user.username} changed meanwhile; run the command again`);
        }
        throw error;
      }
      await record(user, "password_changed", "password set");
      io.print(`Password of ${user.username} changed; ${ended} session(s) ended`);
      return;
    }
    case "sessions:revoke": {
      const username = requireString(flags, "username");
      const user = await users.findByUsername(username);
      if (!user) throw new CliError(`No user named ${username}`);
      // As an administrator's "end sessions": sign-ins waiting for a factor and the Django app's tokens end too.
      const ended = await endEverySessionWith(await endSessionsDeps(), user.id, "admin");
      await record(user, "admin_action", "sessions.ended");
      io.print(`${ended} session(s) of ${user.username} ended`);
      return;
    }
    case "user:mfa-reset": {
      // An operator's way back in for a user who lost the authenticator and the recovery codes.
      const user = await namedUser(users, flags);
      // Removing the factor also ends its pending sign-ins and clears a lock (failed codes go with the row).
      const hooks = { database, now: Date.now };
      let removed = false;
      for (const method of await methodsWithTables(database))
        removed = (await method.hooks?.resetSecondFactor?.(hooks, user.id)) || removed;
      const ended = await sessions.revokeAllForUser(user.id, "admin");
      if (removed) await record(user, "admin_action", "second_factor.reset");
      io.print(
        `${removed ? "Two-step sign-in turned off" : "Two-step sign-in was not on"} for ${user.username}; ${ended} session(s) ended`,
      );
      return;
    }
    case "user:grant-admin":
    case "user:revoke-admin": {
      const user = await namedUser(users, flags);
      const grant = command === "user:grant-admin";
      await createAdminStore(database.db).setAdmin(user.id, grant);
      await record(user, "admin_action", grant ? "user.admin_granted" : "user.admin_revoked");
      io.print(`${user.username} ${grant ? "is an administrator" : "is no longer an administrator"}`);
      return;
    }
    case "user:import-django": {
      const from = requireString(flags, "from");
      if (!/^postgres(ql)?:\/\//.test(from))
        throw new CliError("--from must be a postgres:// URL of the Django database");
      // The Django surface's tables, even when this database has not been served with it yet.
      await migrateMethod(database.db as Kysely<unknown>, "django", djangoMigrations(database.kind));
      const admin = createAdminStore(database.db);
      const report = await importDjangoUsers(from, users, createDjangoStore(djangoTables(database), Date.now), {
        async deactivate(user) {
          await admin.setActive(user.id, false);
          await endEverySessionWith(await endSessionsDeps(), user.id, "admin");
          await record(user, "admin_action", "user.disabled (as in Django)");
        },
        async passwordChanged(user) {
          // No "password changed" mail: the user changed it in Django, which told them.
          await endWhatThePasswordOpened(
            { ...(await endSessionsDeps()), tokens: createAccountTokenStore(database.db), notify: async () => {} },
            user,
          );
          await record(user, "password_changed", "password copied from Django");
        },
      });
      io.print(
        `Imported ${report.imported} user(s); ${report.alreadyPresent} already present; ${report.skipped.length} skipped`,
      );
      io.print(
        `Django ids mapped: ${report.mapped} new; SimpleJWT tokens copied: ${report.tokens} (${report.blacklisted} blacklisted)`,
      );
      io.print(
        `Changed in Django since the last run: ${report.passwordsUpdated} password(s) copied; ${report.deactivated} user(s) deactivated; ${report.stayDeleted} deleted in Tollgate, not brought back`,
      );
      for (const skipped of report.skipped)
        io.print(`  skipped ${JSON.stringify(skipped.username)}: ${skipped.reason}`);
      return;
    }
    case "keys:rotate":
      return rotateKeys(flags, keysOf(context), io);
    case "keys:status":
      return keyStatus(keysOf(context), io);
    default:
      throw new CliError(
        `Unknown command ${JSON.stringify(command)}. Commands: user:create, user:set-password, sessions:revoke, user:mfa-reset, user:grant-admin, user:revoke-admin, user:import-django, keys:rotate, keys:status`,
      );
  }
}

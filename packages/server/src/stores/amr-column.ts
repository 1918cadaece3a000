import { type Amr, isAmr } from "@tollgate/auth";

/**
 * amr in one text column, space-separated ("pwd otp mfa"): the same on
 * PostgreSQL and SQLite, and readable in a query. Unknown words (written by a
 * newer version) are dropped, so they can only lower a level, never raise it.
 */
export function amrToColumn(amr: readonly Amr[]): string | null {
  return amr.length === 0 ? null : amr.join(" ");
}

export function amrFromColumn(value: string | null): Amr[] {
  return value === null ? [] : value.split(" ").filter(isAmr);
}

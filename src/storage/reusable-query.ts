// A query whose SQL never changes, only its parameters: built and compiled once, then executed
// with new parameters. Kysely builds and compiles a query anew on every call (≈ 5–8 µs of its
// immutable node trees and visitor for a one-row SELECT, ≈ 5 % of a GET /v1/sessions/{id}); the
// hottest reads skip that. The parameters must be given in the order the compiled SQL binds them,
// which the placeholders' check below pins down once, at start-up.
import { createQueryId, type CompiledQuery, type Kysely } from 'kysely';

export interface ReusableQuery<R> {
  execute(db: Kysely<any>, params: readonly unknown[]): Promise<R[]>;
}

/** `build` gets one marker per parameter and must use each exactly once, in this order. */
export function reusableQuery<R>(names: readonly string[], build: (markers: string[]) => { compile(): CompiledQuery<R> }): ReusableQuery<R> {
  const markers = names.map((n) => `\u0000param:${n}`);
  const compiled = build(markers).compile();
  if (compiled.parameters.length !== markers.length || compiled.parameters.some((p, i) => p !== markers[i])) {
    throw new Error(`reusableQuery: parameters ${JSON.stringify(compiled.parameters)} do not match ${names.join(', ')}`);
  }
  return {
    async execute(target, params) {
      if (params.length !== markers.length) throw new Error('reusableQuery: wrong number of parameters');
      const r = await target.executeQuery<R>({ query: compiled.query, sql: compiled.sql, parameters: params, queryId: createQueryId() });
      return r.rows;
    },
  };
}

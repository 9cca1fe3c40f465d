// as_probe.ts: a test plugin for the AssemblyScript SDK (sdk/testing/test-as.mjs). It exercises the SDK's API
// and reports what it saw through wasql_log; config `op` selects the test.
//
// on_query ops:  props, deny, rewrite, kv, big, abort
// on_result ops: result, describe, copy, upper, mask, double, decode_kv

import {
  Context, CONTINUE, Level, Scope, OK, statusName, Column, ColumnType, columnTypeName, arrowError, readIpcBytes,
  Int64Builder, Float64Builder, Utf8Builder, BinaryBuilder, ColumnBuilder,
} from "../../assemblyscript/wasql_plugin";
export { wasql_plugin_abi_v1 } from "../../assemblyscript/wasql_plugin";

export function on_query(handle: i32): i32 {
  const ctx = new Context(handle);
  const op = ctx.config("op", "");
  if (op == "props") {
    const keys = ["query", "kind", "user", "database", "client_address", "application_name", "hook", "plugin", "filter"];
    for (let i = 0; i < keys.length; i++) ctx.info(keys[i] + "=" + ctx.getOr(keys[i], "<absent>"));
    ctx.info("query()=" + ctx.query());
    ctx.info("kind()=" + ctx.kind());
    ctx.info("user()=" + ctx.user());
    ctx.info("database()=" + ctx.database());
    ctx.info("hook()=" + ctx.hook());
    ctx.info("tables()=" + ctx.tables().join("|") + " (" + ctx.tables().length.toString() + ")");
    ctx.info("inTransaction()=" + (ctx.inTransaction() ? "true" : "false"));
    ctx.info("rewrites()=" + ctx.rewrites().toString());
    ctx.info("config(n)=" + ctx.config("n", "<default>"));
    ctx.info("config(missing)=" + ctx.config("missing", "<default>"));
    ctx.info("configInt(n)=" + ctx.configInt("n", -7).toString());
    ctx.info("configInt(op)=" + ctx.configInt("op", -7).toString());
    ctx.info("configBool(flag)=" + (ctx.configBool("flag", false) ? "true" : "false"));
    const nope = ctx.get("no.such.key");
    ctx.info("get(no.such.key)=" + (nope == null ? "null" : nope) + " status=" + statusName(ctx.status));
    ctx.info("rowCount()=" + ctx.rowCount().toString());
    return CONTINUE;
  }
  if (op == "deny") return ctx.deny(ctx.config("sqlstate", ""), ctx.config("message", ""));
  if (op == "rewrite") {
    const ok = ctx.setQuery(ctx.config("text", ""));
    ctx.info("setQuery=" + (ok ? "true" : "false") + " status=" + statusName(ctx.status));
    return CONTINUE;
  }
  if (op == "kv") {
    const s = Scope.Plugin, g = Scope.Global;
    ctx.info("get missing: " + show(ctx.kvGet("k")) + " " + statusName(ctx.status));
    ctx.info("set: " + b(ctx.kvSet("k", "välue")) + " " + statusName(ctx.status));
    ctx.info("get: " + show(ctx.kvGet("k")));
    ctx.info("get global: " + show(ctx.kvGet("k", g)));
    ctx.info("cas wrong: " + b(ctx.kvCas("k", "other", "x")) + " " + statusName(ctx.status));
    ctx.info("cas right: " + b(ctx.kvCas("k", "välue", "v2")) + " " + statusName(ctx.status));
    ctx.info("cas absent on present: " + b(ctx.kvCas("k", null, "v3")) + " " + statusName(ctx.status));
    ctx.info("cas absent: " + b(ctx.kvCas("fresh", null, "f", 0, g)) + " " + statusName(ctx.status));
    ctx.info("incr: " + ctx.kvIncr("n", 5).toString() + " " + ctx.kvIncr("n", -2).toString() + " " + statusName(ctx.status));
    ctx.info("incr non-number: " + ctx.kvIncr("k", 1).toString() + " " + statusName(ctx.status));
    ctx.info("delete: " + b(ctx.kvDelete("k")) + " " + b(ctx.kvDelete("k")) + " " + statusName(ctx.status));
    const big = "x".repeat(<i32>ctx.configInt("big", 10000));
    ctx.info("set big: " + b(ctx.kvSet("big", big, 0, s)) + " " + statusName(ctx.status));
    const back = ctx.kvGet("big");
    ctx.info("get big: " + (back != null ? back.length.toString() : "null") + " " + b(back == big));
    const bytes = new Uint8Array(3);
    bytes[0] = 0; bytes[1] = 255; bytes[2] = 7;
    ctx.info("set bytes: " + b(ctx.kvSetBytes("bin", bytes)));
    const got = ctx.kvGetBytes("bin");
    ctx.info("get bytes: " + (got != null ? got.length.toString() + ":" + got[0].toString() + "," + got[1].toString() + "," + got[2].toString() : "null"));
    ctx.info("ttl: " + b(ctx.kvSet("t", "1", 1000)));
    return CONTINUE;
  }
  if (op == "big") {
    const q = ctx.query();
    ctx.info("len=" + q.length.toString() + " tail=" + q.substring(q.length - 12));
    return CONTINUE;
  }
  if (op == "abort") throw new Error("probe abort: " + ctx.config("message", ""));
  return CONTINUE;
}

export function on_result(handle: i32): i32 {
  const ctx = new Context(handle);
  const op = ctx.config("op", "");
  const index = <i32>ctx.configInt("column", 0);
  const maxRows = <i32>ctx.configInt("max_rows", i32.MAX_VALUE);
  if (op == "result") {
    ctx.info("rowCount=" + ctx.rowCount().toString());
    ctx.info("rowsAffected=" + ctx.rowsAffected().toString());
    ctx.info("columnCount=" + ctx.columnCount().toString());
    ctx.info("columnNames=" + ctx.columnNames().join("|"));
    ctx.info("commandTag=" + ctx.commandTag());
    ctx.info("failed=" + b(ctx.failed()));
    ctx.info("errorSqlstate=" + show(ctx.errorSqlstate()));
    ctx.info("errorMessage=" + show(ctx.errorMessage()));
    const c = ctx.getColumn(0);
    ctx.info("getColumn(0)=" + (c == null ? "null " + statusName(ctx.status) : "column"));
    ctx.info("setQuery=" + b(ctx.setQuery("SELECT 1")) + " " + statusName(ctx.status));
    return CONTINUE;
  }
  if (op == "describe") {
    if (index == -1) {
      const cols = ctx.getColumns();
      if (cols == null) { ctx.info("null " + statusName(ctx.status) + " " + arrowError()); return CONTINUE; }
      for (let k = 0; k < cols.length; k++) describe(ctx, cols[k], maxRows);
      return CONTINUE;
    }
    const c = ctx.getColumn(index);
    if (c == null) { ctx.info("null " + statusName(ctx.status) + " " + arrowError()); return CONTINUE; }
    describe(ctx, c, maxRows);
    return CONTINUE;
  }
  if (op == "decode_kv") {
    // Decodes IPC bytes the test put in the store (key "ipc_in"): the reader against apache-arrow's writer and
    // against malformed input.
    const bytes = ctx.kvGetBytes("ipc_in");
    if (bytes == null) { ctx.info("no ipc_in"); return CONTINUE; }
    const cols = readIpcBytes(bytes);
    if (cols == null) { ctx.info("error " + arrowError()); return CONTINUE; }
    for (let k = 0; k < cols.length; k++) describe(ctx, cols[k], maxRows);
    return CONTINUE;
  }
  const c = ctx.getColumn(index);
  if (c == null) { ctx.info("null " + statusName(ctx.status) + " " + arrowError()); return CONTINUE; }
  let builder: ColumnBuilder;
  if (op == "copy") {
    builder = copy(c);
  } else if (op == "upper" || op == "mask") {
    const u = new Utf8Builder();
    for (let r = 0; r < c.length; r++) {
      if (c.isNull(r)) { u.appendNull(); continue; }
      const s = c.getString(r);
      u.append(op == "upper" ? s.toUpperCase() : mask(s));
    }
    builder = u;
  } else if (op == "double") {
    if (c.type == ColumnType.Float64) {
      const f = new Float64Builder();
      for (let r = 0; r < c.length; r++) { if (c.isNull(r)) f.appendNull(); else f.append(c.getFloat64(r) * 2); }
      builder = f;
    } else {
      const n = new Int64Builder();
      for (let r = 0; r < c.length; r++) { if (c.isNull(r)) n.appendNull(); else n.append(c.getInt64(r) * 2); }
      builder = n;
    }
  } else {
    ctx.info("unknown op " + op);
    return CONTINUE;
  }
  // Keep the encoded stream so the test can check its bytes (the store takes values up to 64 KiB).
  const ipc = builder.toIpc(ctx.config("name", ""));
  if (ipc.byteLength <= 65536) ctx.kvSetBytes("ipc_out", Uint8Array.wrap(ipc));
  const ok = ctx.setColumnIpc(index, ipc);
  ctx.info("set " + b(ok) + " " + statusName(ctx.status) + " rows=" + builder.length.toString() + " nulls=" + builder.nullCount.toString());
  return CONTINUE;
}

function copy(c: Column): ColumnBuilder {
  if (c.isText()) {
    const u = new Utf8Builder();
    for (let r = 0; r < c.length; r++) u.appendOrNull(c.isNull(r) ? null : c.getString(r));
    return u;
  }
  if (c.isBinary()) {
    const x = new BinaryBuilder();
    for (let r = 0; r < c.length; r++) { if (c.isNull(r)) x.appendNull(); else x.append(c.getBytes(r)); }
    return x;
  }
  if (c.isFloat()) {
    const f = new Float64Builder();
    for (let r = 0; r < c.length; r++) { if (c.isNull(r)) f.appendNull(); else f.append(c.getFloat64(r)); }
    return f;
  }
  const n = new Int64Builder();
  for (let r = 0; r < c.length; r++) { if (c.isNull(r)) n.appendNull(); else n.append(c.getInt64(r)); }
  return n;
}

/** Keeps the first character and what follows '@'; the rest becomes '*'. */
function mask(s: string): string {
  const at = s.indexOf("@");
  const end = at < 0 ? s.length : at;
  if (end <= 1) return s;
  return s.substring(0, 1) + "*".repeat(end - 1) + s.substring(end);
}

/** One line for the column, then one per value: "N" for NULL, else "V" and toText(). */
function describe(ctx: Context, c: Column, maxRows: i32): void {
  ctx.info("col name=" + c.name + " type=" + columnTypeName(c.type) + " length=" + c.length.toString() + " nulls=" + c.nullCount.toString());
  const n = c.length < maxRows ? c.length : maxRows;
  for (let r = 0; r < n; r++) {
    const t = c.toText(r);
    ctx.info(t == null ? "N" : "V" + t);
  }
}

function show(s: string | null): string { return s == null ? "null" : "\"" + s + "\""; }
function b(v: bool): string { return v ? "true" : "false"; }

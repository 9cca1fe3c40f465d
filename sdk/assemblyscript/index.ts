// The package entry (`import { Context } from "wasql-plugin"`): asc resolves a package import to its index.ts.
export * from "./wasql_plugin";

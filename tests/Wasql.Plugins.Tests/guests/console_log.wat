;; Imports AssemblyScript's console.log binding (what `console.log` in a plugin compiles to): the host has no
;; console, and the load error says to use ctx.log.
(module
  (import "env" "console.log" (func $log (param i32)))
  (memory (export "memory") 1)
  (func (export "wasql_plugin_abi_v1"))
  (func (export "on_query") (param $ctx i32) (result i32) (i32.const 0)))

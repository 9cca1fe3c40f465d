;; Rewrites every statement it sees to SELECT 42 AS answer.
(module
  (import "wasql" "wasql_set_query" (func $set (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "SELECT 42 AS answer")
  (func (export "wasql_plugin_abi_v1"))
  (func (export "on_query") (param $ctx i32) (result i32)
    (if (call $set (local.get $ctx) (i32.const 0) (i32.const 19)) (then (return (i32.const 2))))
    (i32.const 0)))

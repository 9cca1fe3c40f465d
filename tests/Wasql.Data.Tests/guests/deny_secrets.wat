;; A query plugin that denies every statement it is called for (the filter decides which): SQLSTATE 42501.
(module
  (import "wasql" "wasql_deny" (func $deny (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "42501")
  (data (i32.const 8) "secrets are off limits")
  (func (export "wasql_plugin_abi_v1"))
  (func (export "on_query") (param $ctx i32) (result i32)
    (drop (call $deny (local.get $ctx) (i32.const 0) (i32.const 5) (i32.const 8) (i32.const 22)))
    (i32.const 1)))

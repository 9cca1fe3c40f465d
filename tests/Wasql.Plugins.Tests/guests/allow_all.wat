;; Allows everything (the benchmark's minimal plugin).
(module
  (memory (export "memory") 1)
  (func (export "wasql_plugin_abi_v1"))
  (func (export "on_query") (param $ctx i32) (result i32) (i32.const 0)))

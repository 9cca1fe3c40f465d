;; Declares plugin ABI version 2, which this host does not implement: the load error names both versions.
(module
  (memory (export "memory") 1)
  (func (export "wasql_plugin_abi_v2"))
  (func (export "on_query") (param $ctx i32) (result i32) (i32.const 0)))

;; Exports on_query but no ABI marker: CREATE PLUGIN must refuse it.
(module
  (memory (export "memory") 1)
  (func (export "on_query") (param $ctx i32) (result i32) (i32.const 0)))

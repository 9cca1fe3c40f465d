;; Logs notices in a loop until the host refuses (LIMIT = 7), then returns the number of accepted lines - 100 as its
;; code: 0 (continue) exactly when the host accepted 100 lines.
(module
  (import "wasql" "wasql_log" (func $log (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "spam")
  (func (export "wasql_plugin_abi_v1"))
  (func (export "on_query") (param $ctx i32) (result i32)
    (local $n i32)
    (block $done
      (loop $more
        (br_if $done (i32.eq (call $log (local.get $ctx) (i32.const 4) (i32.const 0) (i32.const 4)) (i32.const 7)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br_if $more (i32.lt_u (local.get $n) (i32.const 1000000)))))
    (i32.sub (local.get $n) (i32.const 100))))

;; on_result: reads result.command_tag (with a deliberately small buffer first, to exercise BUFFER_TOO_SMALL) and
;; logs "tag=<tag>" at level 4 (notice). on_query: checks that a wrong handle gets BAD_HANDLE (4).
(module
  (import "wasql" "wasql_get" (func $get (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasql" "wasql_log" (func $log (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "result.command_tag")
  (data (i32.const 32) "tag=")
  (func (export "wasql_plugin_abi_v1"))
  (func (export "on_query") (param $ctx i32) (result i32)
    (if (i32.ne (call $get (i32.add (local.get $ctx) (i32.const 1)) (i32.const 0) (i32.const 5) (i32.const 100) (i32.const 10) (i32.const 200)) (i32.const 4))
      (then (return (i32.const 7))))
    (i32.const 0))
  (func (export "on_result") (param $ctx i32) (result i32)
    (local $len i32)
    ;; a 2-byte buffer: BUFFER_TOO_SMALL (3) with the needed length
    (if (i32.ne (call $get (local.get $ctx) (i32.const 0) (i32.const 18) (i32.const 36) (i32.const 2) (i32.const 200)) (i32.const 3))
      (then (return (i32.const 8))))
    (local.set $len (i32.load (i32.const 200)))
    (if (call $get (local.get $ctx) (i32.const 0) (i32.const 18) (i32.const 36) (local.get $len) (i32.const 200))
      (then (return (i32.const 9))))
    (drop (call $log (local.get $ctx) (i32.const 4) (i32.const 32) (i32.add (local.get $len) (i32.const 4))))
    (i32.const 0)))

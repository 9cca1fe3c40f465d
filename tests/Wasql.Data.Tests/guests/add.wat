;; Direct-ABI functions for the ADO.NET tests: add(i32, i32) -> i32 and spin() -> i32, which never returns.
(module
  (memory (export "memory") 1)
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "spin") (result i32) (loop $l (br $l)) (i32.const 0)))

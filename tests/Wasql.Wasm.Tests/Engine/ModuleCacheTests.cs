// The compiled-module cache (EngineConfig.CacheDirectory): a second engine loads what the first compiled, and runs it
// exactly as compiled code runs; an entry that is corrupt, forged (not written with the engine's secret), for another
// configuration or for another module is never used: the module is compiled again and the entry rewritten.
using System.Security.Cryptography;
using Wasql.Wasm.Caching;
using Wasql.Wasm.Tests.Validation;

namespace Wasql.Wasm.Tests.Engine;

public sealed class ModuleCacheTests : IDisposable
{
    // call_indirect with a type check, recursion, memory and a trap: what cached code must still do exactly.
    private const string Wat = """
        (module (memory 1)
          (type $bin (func (param i32 i32) (result i32)))
          (table 2 funcref)
          (elem (i32.const 0) $add $neg)
          (func $add (type $bin) (i32.add (local.get 0) (local.get 1)))
          (func $neg (param i32) (result i32) (i32.sub (i32.const 0) (local.get 0)))
          (func (export "apply") (param i32 i32 i32) (result i32)
            (call_indirect (type $bin) (local.get 1) (local.get 2) (local.get 0)))
          (func $fib (export "fib") (param i32) (result i32)
            (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
              (then (local.get 0))
              (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1))) (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
          (func (export "poke") (param i32 i32) (result i32)
            (i32.store (local.get 0) (local.get 1)) (i32.load (local.get 0))))
        """;

    // Other function types, registered first in a fresh engine, so its canonical type ids differ from the compiling one's.
    private const string OtherTypes = """
        (module (func (param f64) (result f64) (local.get 0)) (func (param i64 i64) (result i64) (local.get 0))
                (func (param f32 i32) (local.get 1) (drop)))
        """;

    private static readonly byte[] s_module = WatTool.Assemble(Wat);
    private readonly string _dir = Directory.CreateTempSubdirectory("wasql-module-cache-").FullName;
    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private EngineConfig Config(byte[]? secret = null) => new() { CacheDirectory = _dir, CacheSecret = secret ?? _secret };

    private static Module CompileIn(Wasql.Wasm.Engine engine) => Module.Compile(engine, s_module);

    private static void AssertRunsCorrectly(Module module)
    {
        var store = new Store(module.Engine);
        var inst = new Linker(module.Engine).Instantiate(store, module);
        var apply = inst.GetFunction<Func<int, int, int, int>>("apply");
        Assert.Equal(7, apply(0, 3, 4));
        // Table slot 1 holds a function of another type: the check must use this engine's ids.
        var trap = Assert.Throws<TrapException>(() => apply(1, 3, 4));
        Assert.Equal(TrapCode.IndirectCallTypeMismatch, trap.Code);
        Assert.Equal(TrapCode.UndefinedElement, Assert.Throws<TrapException>(() => apply(2, 3, 4)).Code);
        Assert.Equal(6765, inst.GetFunction<Func<int, int>>("fib")(20));
        Assert.Equal(-5, inst.GetFunction<Func<int, int, int>>("poke")(100, -5));
        Assert.Equal(TrapCode.MemoryOutOfBounds, Assert.Throws<TrapException>(() => inst.GetFunction<Func<int, int, int>>("poke")(65535, 1)).Code);
    }

    private string[] Entries() => Directory.GetFiles(_dir, "*.wasmcode");

    [Fact]
    public void A_second_engine_loads_the_code_the_first_one_compiled()
    {
        var first = CompileIn(new Wasql.Wasm.Engine(Config()));
        Assert.False(first.LoadedFromCache);
        AssertRunsCorrectly(first);
        Assert.Single(Entries());

        var engine = new Wasql.Wasm.Engine(Config());
        Module.Compile(engine, WatTool.Assemble(OtherTypes));   // shifts this engine's canonical type ids
        var second = CompileIn(engine);
        Assert.True(second.LoadedFromCache);
        AssertRunsCorrectly(second);
    }

    [Fact]
    public void Tiered_code_loaded_from_the_cache_still_tiers_up()
    {
        EngineConfig Tiered() { var c = Config(); c.TieredCodeThreshold = 0; c.InlineFunctionBytes = 0; c.TierUpCalls = 5; c.TierUpInBackground = false; return c; }
        CompileIn(new Wasql.Wasm.Engine(Tiered()));
        var module = CompileIn(new Wasql.Wasm.Engine(Tiered()));
        Assert.True(module.LoadedFromCache);
        Assert.NotNull(module.Compiled.Tiers);
        AssertRunsCorrectly(module);   // fib(20) calls fib thousands of times: it is promoted on the way
        Assert.True(module.Compiled.Tiers!.OptimizedCount > 0);
        AssertRunsCorrectly(module);
    }

    [Fact]
    public void A_corrupt_entry_is_ignored_and_rewritten()
    {
        CompileIn(new Wasql.Wasm.Engine(Config()));
        string entry = Assert.Single(Entries());
        var bytes = File.ReadAllBytes(entry);
        foreach (int at in new[] { 0, 20, bytes.Length / 2, bytes.Length - 1 })
        {
            var corrupt = (byte[])bytes.Clone();
            corrupt[at] ^= 0x40;
            File.WriteAllBytes(entry, corrupt);
            var module = CompileIn(new Wasql.Wasm.Engine(Config()));
            Assert.False(module.LoadedFromCache);
            AssertRunsCorrectly(module);
            Assert.True(CompileIn(new Wasql.Wasm.Engine(Config())).LoadedFromCache);   // the entry was rewritten
        }
        File.WriteAllBytes(entry, bytes[..(bytes.Length / 3)]);
        Assert.False(CompileIn(new Wasql.Wasm.Engine(Config())).LoadedFromCache);
    }

    [Fact]
    public void An_entry_written_without_the_secret_is_never_loaded()
    {
        // Someone who can write the cache directory but lacks the secret puts a well-formed entry under this module's
        // key: the same functions and types, compiled from bodies that compute something else. The engine must not run it.
        string impostor = Wat.Replace("(i32.add (local.get 0) (local.get 1))", "(i32.const 666)");
        var attacker = RandomNumberGenerator.GetBytes(32);
        CompileIn(new Wasql.Wasm.Engine(Config()));
        string entry = Assert.Single(Entries());
        var key = Convert.FromHexString(Path.GetFileNameWithoutExtension(entry));
        var impostorDir = Directory.CreateTempSubdirectory("wasql-module-cache-attacker-").FullName;
        byte[] forgedEntry;
        try
        {
            Module.Compile(new Wasql.Wasm.Engine(new EngineConfig { CacheDirectory = impostorDir, CacheSecret = attacker }), WatTool.Assemble(impostor));
            string theirs = Assert.Single(Directory.GetFiles(impostorDir));
            var images = CacheEntry.TryDecode(attacker, Convert.FromHexString(Path.GetFileNameWithoutExtension(theirs)), File.ReadAllBytes(theirs));
            forgedEntry = CacheEntry.Encode(attacker, key, images!);
            File.WriteAllBytes(entry, forgedEntry);
        }
        finally
        {
            Directory.Delete(impostorDir, recursive: true);
        }
        var module = CompileIn(new Wasql.Wasm.Engine(Config()));
        Assert.False(module.LoadedFromCache);
        AssertRunsCorrectly(module);
        // The forged entry is loadable code for this key under the attacker's secret (so the check above is the MAC's).
        File.WriteAllBytes(entry, forgedEntry);   // the engine above replaced it with an authentic one
        var forged = CompileIn(new Wasql.Wasm.Engine(Config(attacker)));
        Assert.True(forged.LoadedFromCache);
        var inst = new Linker(forged.Engine).Instantiate(new Store(forged.Engine), forged);
        Assert.Equal(666, inst.GetFunction<Func<int, int, int, int>>("apply")(0, 3, 4));
    }

    [Fact]
    public void Settings_that_change_the_code_and_other_modules_get_entries_of_their_own()
    {
        CompileIn(new Wasql.Wasm.Engine(Config()));
        var metered = Config();
        metered.ConsumeFuel = true;
        Assert.False(CompileIn(new Wasql.Wasm.Engine(metered)).LoadedFromCache);
        var other = WatTool.Assemble(Wat.Replace("(i32.const 2)", "(i32.const 3)"));
        Assert.False(Module.Compile(new Wasql.Wasm.Engine(Config()), other).LoadedFromCache);
        Assert.Equal(3, Entries().Length);
        Assert.True(CompileIn(new Wasql.Wasm.Engine(Config())).LoadedFromCache);
    }

    [Fact]
    public void An_invalid_module_is_rejected_even_with_a_cache()
    {
        var invalid = WatTool.Assemble("(module (func (result i32) (i64.const 1)))", check: false);
        Assert.Throws<InvalidModuleException>(() => Module.Compile(new Wasql.Wasm.Engine(Config()), invalid));
        Assert.Empty(Entries());
    }

    [Fact]
    public void Entry_format_accepts_only_authentic_complete_entries_for_the_key()
    {
        var key = SHA256.HashData("module"u8);
        byte[][] images = [[1, 2, 3], [], [4, 5]];
        var file = CacheEntry.Encode(_secret, key, images);
        var decoded = CacheEntry.TryDecode(_secret, key, file);
        Assert.NotNull(decoded);
        Assert.Equal(images, decoded);
        Assert.Null(CacheEntry.TryDecode(RandomNumberGenerator.GetBytes(32), key, file));
        Assert.Null(CacheEntry.TryDecode(_secret, SHA256.HashData("other"u8), file));
        for (int length = 0; length < file.Length; length++)
            Assert.Null(CacheEntry.TryDecode(_secret, key, file.AsSpan(0, length)));
        Assert.Null(CacheEntry.TryDecode(_secret, key, [.. file, 0]));
        for (int i = 0; i < file.Length; i++)
        {
            var flipped = (byte[])file.Clone();
            flipped[i] ^= 1;
            Assert.Null(CacheEntry.TryDecode(_secret, key, flipped));
        }
    }

    [Fact]
    public void The_per_user_secret_is_created_private_and_refused_when_others_can_read_it()
    {
        if (OperatingSystem.IsWindows()) return;
        string path = Path.Combine(_dir, "keys", "module-cache.key");
        var key = CacheSecret.LoadOrCreate(path);
        Assert.NotNull(key);
        Assert.Equal(CacheSecret.Bytes, key!.Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(key, CacheSecret.LoadOrCreate(path));   // stable across calls (and processes)
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        Assert.Null(CacheSecret.LoadOrCreate(path));
        Assert.True(CacheSecret.IsPrivate(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.False(CacheSecret.IsPrivate(UnixFileMode.UserRead | UnixFileMode.GroupRead));
        Assert.False(CacheSecret.IsPrivate(UnixFileMode.UserRead | UnixFileMode.OtherWrite));
    }
}

// Executes the JSON command list of one converted .wast file against a fresh Engine/Store/Linker:
// module, register, action and every assert_* kind. Each command is isolated by try/catch, so an engine
// bug (any exception type) becomes one failed command and the file goes on.
using System.Diagnostics;
using System.Text.Json;
using Wasql.Wasm;

namespace Wasql.SpecTests;

/// <summary>What the runner needs to know about the command line.</summary>
public sealed class RunOptions
{
    public bool SkipSimd { get; set; }
    public bool Verbose { get; set; }
    public string? Filter { get; set; }
    public int Jobs { get; set; } = Environment.ProcessorCount;
    /// <summary>Failures printed per file without --verbose.</summary>
    public int FailuresShown { get; set; } = 5;
    /// <summary>Per-command wall-clock limit in seconds (0: none). Needs the engine's interruption checks.</summary>
    public double TimeoutSeconds { get; set; }
    /// <summary>Fuel granted to each command's guest code (0: fuel metering off). Exercises the metered code paths.</summary>
    public long Fuel { get; set; }
    /// <summary>Engine's function split budget (0: engine default); a small value outlines nearly every block.</summary>
    public int SplitBudget { get; set; }
    /// <summary>When positive, every module is tiered and a function is recompiled optimized (on the calling thread)
    /// after this many calls and loop iterations, so commands run baseline and optimized code alike.</summary>
    public int TierUp { get; set; }
    /// <summary>The engine's module cache directory (null: none): code is then compiled to persisted assemblies and
    /// loaded from their images, or from an earlier run's entries.</summary>
    public string? CacheDirectory { get; set; }
}

/// <summary>The tallies and diagnostics of one file.</summary>
public sealed class FileResult
{
    public required string Name { get; init; }
    public int Passed;
    public int Failed;
    public int Skipped;
    public int MessageMismatches;
    /// <summary>Failure descriptions in command order.</summary>
    public List<string> Failures { get; } = [];
    /// <summary>Message mismatches (only shown with --verbose).</summary>
    public List<string> Mismatches { get; } = [];
    public string? Note;
    public TimeSpan Elapsed;
}

/// <summary>A failure detected by the runner itself (as opposed to an unexpected exception from the engine).</summary>
internal sealed class RunnerFailure(string message) : Exception(message);

internal enum Outcome { Passed, Failed, Skipped }

public sealed class CommandRunner
{
    /// <summary>A module command's result: the instance, or why there is none.</summary>
    private sealed class ModuleSlot(string label)
    {
        public readonly string Label = label;
        public Instance? Instance;
        public string? Error;
    }

    private readonly string _fileName;   // e.g. "i32.wast", for failure lines
    private readonly string _dir;        // where wast2json put the .wasm files
    private readonly RunOptions _options;
    private readonly FileResult _result;
    private readonly Engine _engine;
    private readonly Store _store;
    private readonly Linker _linker;
    private readonly ValueCodec _codec = new();
    private readonly Dictionary<string, ModuleSlot> _named = new(StringComparer.Ordinal);
    private ModuleSlot? _current;

    // Per-command bookkeeping for failure messages.
    private int _line;
    private string _command = "";
    private string _detail = "";

    private CommandRunner(string fileName, string dir, RunOptions options, FileResult result)
    {
        _fileName = fileName;
        _dir = dir;
        _options = options;
        _result = result;
        _engine = new Engine(new EngineConfig
        {
            Interruptible = options.TimeoutSeconds > 0, ConsumeFuel = options.Fuel > 0, CacheDirectory = options.CacheDirectory,
        });
        if (options.SplitBudget > 0)
        {
            _engine.Config.FunctionSplitBudget = options.SplitBudget;
            _engine.Config.SplitPartially = true; // outline whatever fits, to exercise region code everywhere
        }
        if (options.TierUp > 0)
        {
            _engine.Config.TieredCodeThreshold = 0;
            _engine.Config.TierUpCalls = options.TierUp;
            _engine.Config.TierUpInBackground = false;
            _engine.Config.InlineFunctionBytes = 0;   // small functions too start in the baseline
        }
        _store = new Store(_engine);
        _linker = new Linker(_engine);
    }

    /// <summary>Converts and runs one .wast file; never throws.</summary>
    public static FileResult RunFile(string wastPath, RunOptions options)
    {
        var name = Path.GetFileNameWithoutExtension(wastPath);
        var result = new FileResult { Name = name };
        var sw = Stopwatch.StartNew();
        try
        {
            using var converted = WastConverter.Convert(wastPath);
            using var doc = JsonDocument.Parse(File.ReadAllBytes(converted.JsonPath));
            var commands = doc.RootElement.GetProperty("commands").EnumerateArray().ToList();
            if (options.SkipSimd && name.StartsWith("simd_", StringComparison.Ordinal))
            {
                result.Skipped = commands.Count;
                result.Note = "SIMD: --simd runs it";
            }
            else
            {
                new CommandRunner(Path.GetFileName(wastPath), converted.Directory, options, result).Run(commands);
            }
        }
        catch (Exception ex)
        {
            // Conversion or JSON problems, or an engine failure outside any command: the file counts one failure.
            result.Failed++;
            result.Failures.Add($"{Path.GetFileName(wastPath)}: {Describe(ex)}");
        }
        result.Elapsed = sw.Elapsed;
        return result;
    }

    private void Run(List<JsonElement> commands)
    {
        try
        {
            SpectestModule.Define(_linker, _store);
        }
        catch (Exception ex)
        {
            _result.Failed++;
            _result.Failures.Add($"{_fileName}: creating the spectest module failed: {Describe(ex)}");
        }

        foreach (var cmd in commands)
        {
            _line = cmd.TryGetProperty("line", out var l) ? l.GetInt32() : 0;
            _command = cmd.TryGetProperty("type", out var t) ? t.GetString() ?? "?" : "?";
            _detail = "";
            Outcome outcome;
            string? why = null;
            try
            {
                outcome = Execute(cmd);
            }
            catch (RunnerFailure f)
            {
                outcome = Outcome.Failed;
                why = f.Message;
            }
            catch (Exception ex)
            {
                outcome = Outcome.Failed;
                why = "unexpected " + Describe(ex);
            }
            finally
            {
                if (_options.TimeoutSeconds > 0) _store.ClearInterrupt();
            }

            switch (outcome)
            {
                case Outcome.Passed: _result.Passed++; break;
                case Outcome.Skipped: _result.Skipped++; break;
                default:
                    _result.Failed++;
                    _result.Failures.Add($"{_fileName}:{_line} {_command}{(_detail.Length > 0 ? " " + _detail : "")}: {why ?? _failure ?? "failed"}");
                    break;
            }
            _failure = null;
        }
    }

    private string? _failure;

    private Outcome Fail(string message)
    {
        _failure = message;
        return Outcome.Failed;
    }

    private Outcome Execute(JsonElement cmd)
    {
        switch (_command)
        {
            case "module": return DoModule(cmd);
            case "register": return DoRegister(cmd);
            case "action":
                DoAction(cmd.GetProperty("action"));
                return Outcome.Passed;
            case "assert_return": return AssertReturn(cmd);
            case "assert_trap":
                return cmd.TryGetProperty("action", out _) ? AssertActionTraps(cmd, exhaustion: false) : AssertUninstantiable(cmd);
            case "assert_exhaustion": return AssertActionTraps(cmd, exhaustion: true);
            case "assert_invalid": return AssertCompileFails<InvalidModuleException>(cmd, "invalid");
            case "assert_malformed": return AssertCompileFails<MalformedModuleException>(cmd, "malformed");
            case "assert_unlinkable": return AssertUnlinkable(cmd);
            case "assert_uninstantiable": return AssertUninstantiable(cmd);
            default: return Fail($"unknown command type '{_command}'");
        }
    }

    // ---- modules -------------------------------------------------------------------------------

    private bool IsTextModule(JsonElement cmd) =>
        cmd.TryGetProperty("module_type", out var mt) && mt.GetString() == "text";

    private string ModuleFile(JsonElement cmd)
    {
        var file = cmd.GetProperty("filename").GetString()!;
        _detail = file;
        return file;
    }

    private Module Compile(string file) =>
        Module.Compile(_engine, File.ReadAllBytes(Path.Combine(_dir, file)));

    private Outcome DoModule(JsonElement cmd)
    {
        string? name = cmd.TryGetProperty("name", out var n) ? n.GetString() : null;
        var slot = new ModuleSlot(name ?? $"module at line {_line}");
        _current = slot;
        if (name is not null) _named[name] = slot;

        if (IsTextModule(cmd))
        {
            slot.Error = "text modules are not supported";
            return Outcome.Skipped;
        }
        var file = ModuleFile(cmd);
        try
        {
            var module = Compile(file);
            slot.Instance = Guarded(() => _linker.Instantiate(_store, module));
            return Outcome.Passed;
        }
        catch (Exception ex)
        {
            slot.Error = Describe(ex);
            return Fail(slot.Error);
        }
    }

    private Outcome DoRegister(JsonElement cmd)
    {
        var alias = cmd.GetProperty("as").GetString()!;
        string? name = cmd.TryGetProperty("name", out var n) ? n.GetString() : null;
        _detail = name is null ? $"\"{alias}\"" : $"{name} as \"{alias}\"";
        _linker.DefineInstance(alias, ResolveInstance(name));
        return Outcome.Passed;
    }

    private Instance ResolveInstance(string? name)
    {
        ModuleSlot? slot;
        if (name is null)
        {
            slot = _current ?? throw new RunnerFailure("no module has been defined yet");
        }
        else if (!_named.TryGetValue(name, out slot))
        {
            throw new RunnerFailure($"no module named {name}");
        }
        return slot.Instance ?? throw new RunnerFailure($"{slot.Label} failed to load: {slot.Error}");
    }

    private Outcome AssertCompileFails<TExpected>(JsonElement cmd, string what) where TExpected : WasmException
    {
        if (IsTextModule(cmd)) return Outcome.Skipped; // tests of the text format
        var file = ModuleFile(cmd);
        try
        {
            Compile(file);
        }
        catch (TExpected ex)
        {
            CheckText(cmd, ex.Message);
            return Outcome.Passed;
        }
        catch (MalformedModuleException ex) when (typeof(TExpected) == typeof(InvalidModuleException))
        {
            // assert_invalid modules are written in the text format and judged on their abstract syntax;
            // wast2json's binary for some of them is malformed (e.g. data.drop without a data count
            // section), so rejecting it while decoding is correct too. Tallied as a message mismatch.
            CountMismatch(cmd, ex.Message, "rejected as malformed, not invalid: ");
            return Outcome.Passed;
        }
        catch (WasmException ex)
        {
            return Fail($"expected a {what} module, got {Describe(ex)}");
        }
        return Fail($"module compiled, but should be {what}" + ExpectedText(cmd));
    }

    private Outcome AssertUnlinkable(JsonElement cmd)
    {
        var file = ModuleFile(cmd);
        Module module;
        try { module = Compile(file); }
        catch (WasmException ex) { return Fail($"compiling failed: {Describe(ex)}"); }
        try
        {
            _linker.Instantiate(_store, module);
        }
        catch (LinkException ex)
        {
            CheckText(cmd, ex.Message);
            return Outcome.Passed;
        }
        catch (WasmException ex)
        {
            return Fail($"expected a link error{ExpectedText(cmd)}, got {Describe(ex)}");
        }
        return Fail($"module linked, but should be unlinkable{ExpectedText(cmd)}");
    }

    /// <summary>Instantiation must trap; side effects before the trap stay (Wasm 2.0), and no module is bound.</summary>
    private Outcome AssertUninstantiable(JsonElement cmd)
    {
        var file = ModuleFile(cmd);
        Module module;
        try { module = Compile(file); }
        catch (WasmException ex) { return Fail($"compiling failed: {Describe(ex)}"); }
        try
        {
            Guarded(() => _linker.Instantiate(_store, module));
        }
        catch (TrapException ex)
        {
            CheckText(cmd, ex.Message);
            return Outcome.Passed;
        }
        catch (WasmException ex)
        {
            return Fail($"expected instantiation to trap{ExpectedText(cmd)}, got {Describe(ex)}");
        }
        return Fail($"module instantiated, but should trap{ExpectedText(cmd)}");
    }

    // ---- actions -------------------------------------------------------------------------------

    private Value[] DoAction(JsonElement action)
    {
        var type = action.GetProperty("type").GetString();
        string? module = action.TryGetProperty("module", out var m) ? m.GetString() : null;
        var field = action.GetProperty("field").GetString()!;
        var prefix = module is null ? "" : module + ".";

        switch (type)
        {
            case "invoke":
            {
                var argElems = action.TryGetProperty("args", out var a) ? a.EnumerateArray().ToList() : [];
                var args = new Value[argElems.Count];
                for (int i = 0; i < args.Length; i++) args[i] = _codec.ParseArg(argElems[i]);
                _detail = $"invoke {prefix}\"{field}\"{ValueCodec.FormatList(args.Select(ValueCodec.Format)).Replace('[', '(').Replace(']', ')')}";
                if (_detail.Length > 300) _detail = _detail[..300] + "...)";
                var instance = ResolveInstance(module);
                var fn = instance.GetExport(field) as Function
                         ?? throw new RunnerFailure($"no exported function \"{field}\"");
                return Guarded(() => fn.Invoke(args));
            }
            case "get":
            {
                _detail = $"get {prefix}\"{field}\"";
                var instance = ResolveInstance(module);
                var global = instance.GetExport(field) as Global
                             ?? throw new RunnerFailure($"no exported global \"{field}\"");
                return [global.Value];
            }
            default:
                throw new RunnerFailure($"unknown action type '{type}'");
        }
    }

    private Outcome AssertReturn(JsonElement cmd)
    {
        var expected = cmd.GetProperty("expected").EnumerateArray().Select(ValueCodec.ParseExpected).ToList();
        Value[] actual;
        try
        {
            actual = DoAction(cmd.GetProperty("action"));
        }
        catch (TrapException ex)
        {
            return Fail($"expected {ValueCodec.FormatList(expected.Select(ValueCodec.Format))}, got trap: {ex.Message}");
        }

        bool ok = actual.Length == expected.Count;
        for (int i = 0; ok && i < actual.Length; i++) ok = ValueCodec.Matches(expected[i], actual[i]);
        return ok
            ? Outcome.Passed
            : Fail($"expected {ValueCodec.FormatList(expected.Select(ValueCodec.Format))}, got {ValueCodec.FormatList(actual.Select(ValueCodec.Format))}");
    }

    private Outcome AssertActionTraps(JsonElement cmd, bool exhaustion)
    {
        Value[] actual;
        try
        {
            actual = DoAction(cmd.GetProperty("action"));
        }
        catch (TrapException ex)
        {
            if (exhaustion && ex.Code != TrapCode.StackExhausted)
                return Fail($"expected stack exhaustion, got trap {ex.Code}: {ex.Message}");
            CheckText(cmd, ex.Message);
            return Outcome.Passed;
        }
        return Fail($"expected {(exhaustion ? "stack exhaustion" : "trap")}{ExpectedText(cmd)}, got {ValueCodec.FormatList(actual.Select(ValueCodec.Format))}");
    }

    // ---- helpers -------------------------------------------------------------------------------

    /// <summary>Runs guest code, interrupting it after --timeout seconds when a timeout is set.</summary>
    private T Guarded<T>(Func<T> body)
    {
        if (_options.Fuel > 0) _store.SetFuel(_options.Fuel);
        if (_options.TimeoutSeconds <= 0) return body();
        using var timer = new Timer(_ => _store.Interrupt($"timeout after {_options.TimeoutSeconds} s"), null,
            TimeSpan.FromSeconds(_options.TimeoutSeconds), Timeout.InfiniteTimeSpan);
        return body();
    }

    private static string ExpectedText(JsonElement cmd) =>
        cmd.TryGetProperty("text", out var t) && t.GetString() is { Length: > 0 } s ? $" (\"{s}\")" : "";

    /// <summary>Loose comparison of the expected text with our message; a mismatch is only tallied, never a failure.</summary>
    private void CheckText(JsonElement cmd, string message)
    {
        if (!cmd.TryGetProperty("text", out var t) || t.GetString() is not { Length: > 0 } expected) return;
        if (TextMatches(expected, message)) return;
        CountMismatch(cmd, message);
    }

    private void CountMismatch(JsonElement cmd, string message, string prefix = "")
    {
        var expected = cmd.TryGetProperty("text", out var t) ? t.GetString() : null;
        _result.MessageMismatches++;
        _result.Mismatches.Add($"{_fileName}:{_line} {_command}{(_detail.Length > 0 ? " " + _detail : "")}: {prefix}expected message \"{expected}\", got \"{message}\"");
    }

    internal static bool TextMatches(string expected, string actual)
    {
        if (actual.Contains(expected, StringComparison.OrdinalIgnoreCase)) return true;
        var words = expected.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length <= 2) return false;
        return actual.Contains(string.Join(' ', words.Take(2)), StringComparison.OrdinalIgnoreCase);
    }

    internal static string Describe(Exception ex)
    {
        var msg = ex.Message.ReplaceLineEndings(" ");
        if (msg.Length > 400) msg = msg[..400] + "...";
        var s = $"{ex.GetType().Name}: {msg}";
        if (ex is not WasmException and not RunnerFailure and not ConversionException && ex.StackTrace is { } st)
        {
            // Engine bugs: point at the innermost frame so the log says where.
            var frame = st.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim();
            if (frame is not null) s += $" [{frame}]";
        }
        return s;
    }
}

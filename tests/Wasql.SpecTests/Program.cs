// Entry point of the spec test runner: parses the command line, finds the .wast files, runs them on
// dedicated large-stack worker threads, prints one line per file in file order and the closing totals
// line "N passed, M failed, K skipped". Exit code 0 when no command failed, 1 otherwise, 2 on usage errors.
using System.Diagnostics;
using System.Globalization;

namespace Wasql.SpecTests;

public static class Program
{
    /// <summary>Guest code near the engine's stack guard needs room: deep-recursion tests run on these threads.</summary>
    private const int WorkerStackBytes = 16 * 1024 * 1024;

    private const string Usage = """
        usage: Wasql.SpecTests [options] <dir-or-file.wast>...
          Converts each .wast with wast2json (Debian's wabt) and runs every command.
        options:
          --verbose          print every failure and message mismatch in full
          --filter SUBSTR    only files whose name contains SUBSTR
          --jobs N           files run in parallel (default: processor count)
          --skip-simd        count simd_* files as skipped
          --simd             run simd_* files (default)
          --split-budget N   split functions whose estimated IL cost exceeds N (tests outlining)
          --fuel N           meter guest code, granting N fuel per command (tests the metered code paths)
          --tier-up N        tier every module: baseline code first, optimized after N calls/loop iterations
          --cache DIR        compile through the module cache in DIR (persisted assemblies; a second run loads them)
          --timeout SECONDS  interrupt a command's guest code after SECONDS (enables the engine's
                             interruption checks; default: no limit)
        """;

    public static int Main(string[] args)
    {
        var options = new RunOptions();
        var paths = new List<string>();
        try
        {
            for (int i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--verbose" or "-v": options.Verbose = true; break;
                    case "--filter": options.Filter = Next(); break;
                    case "--jobs" or "-j":
                        options.Jobs = int.Parse(Next(), CultureInfo.InvariantCulture);
                        if (options.Jobs < 1) throw new ArgumentException("--jobs must be at least 1");
                        break;
                    case "--skip-simd": options.SkipSimd = true; break;
                    case "--simd": options.SkipSimd = false; break;
                    case "--split-budget": options.SplitBudget = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--fuel": options.Fuel = long.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--tier-up": options.TierUp = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--cache": options.CacheDirectory = Next(); break;
                    case "--timeout": options.TimeoutSeconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--help" or "-h":
                        Console.WriteLine(Usage);
                        return 0;
                    default:
                        if (args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unknown option {args[i]}");
                        paths.Add(args[i]);
                        break;
                }
            }
            if (paths.Count == 0) throw new ArgumentException("no directory or .wast file given");
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            Console.Error.WriteLine(Usage);
            return 2;
        }

        List<string> files;
        try
        {
            files = FindFiles(paths, options.Filter);
            WastConverter.EnsureAvailable();
        }
        catch (Exception ex) when (ex is IOException or ConversionException)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return 2;
        }
        if (files.Count == 0)
        {
            Console.Error.WriteLine($"error: no .wast files{(options.Filter is null ? "" : $" matching '{options.Filter}'")} in {string.Join(", ", paths)}");
            return 2;
        }

        var sw = Stopwatch.StartNew();
        var results = RunAll(files, options);
        int passed = results.Sum(r => r.Passed), failed = results.Sum(r => r.Failed), skipped = results.Sum(r => r.Skipped);
        int mismatches = results.Sum(r => r.MessageMismatches);
        Console.WriteLine($"{files.Count} files in {sw.Elapsed.TotalSeconds:F1} s; " +
                          $"{results.Count(r => r.Failed == 0)} files without failures" +
                          (mismatches > 0 ? $"; {mismatches} message mismatches" : ""));
        Console.WriteLine($"{passed} passed, {failed} failed, {skipped} skipped");
        return failed == 0 ? 0 : 1;
    }

    private static List<string> FindFiles(List<string> paths, string? filter)
    {
        var files = new List<string>();
        foreach (var p in paths)
        {
            if (Directory.Exists(p))
                files.AddRange(Directory.EnumerateFiles(p, "*.wast").Order(StringComparer.Ordinal));
            else if (File.Exists(p))
                files.Add(p);
            else
                throw new IOException($"no such file or directory: {p}");
        }
        return files
            .Where(f => filter is null || Path.GetFileNameWithoutExtension(f).Contains(filter, StringComparison.Ordinal))
            .Distinct()
            .ToList();
    }

    /// <summary>Runs the files on worker threads; prints each file's report in file order as soon as its predecessors are done.</summary>
    private static FileResult[] RunAll(List<string> files, RunOptions options)
    {
        var results = new FileResult?[files.Count];
        int next = -1, printed = 0;
        var gate = new object();

        void Worker()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < files.Count)
            {
                var r = CommandRunner.RunFile(files[i], options);
                lock (gate)
                {
                    results[i] = r;
                    while (printed < files.Count && results[printed] is { } done)
                    {
                        Report(done, options);
                        printed++;
                    }
                }
            }
        }

        int jobs = Math.Min(options.Jobs, files.Count);
        var threads = new Thread[jobs];
        for (int t = 0; t < jobs; t++)
        {
            threads[t] = new Thread(Worker, WorkerStackBytes) { Name = $"spec-worker-{t}", IsBackground = true };
            threads[t].Start();
        }
        foreach (var t in threads) t.Join();
        return results!;
    }

    private static void Report(FileResult r, RunOptions options)
    {
        var line = $"{r.Name}: {r.Passed} passed, {r.Failed} failed, {r.Skipped} skipped";
        if (r.MessageMismatches > 0) line += $"; {r.MessageMismatches} message mismatches";
        if (r.Note is not null) line += $" ({r.Note})";
        if (r.Elapsed.TotalSeconds > 2) line += $" [{r.Elapsed.TotalSeconds:F1} s]";
        Console.WriteLine(line);

        var shown = options.Verbose ? r.Failures : r.Failures.Take(options.FailuresShown);
        foreach (var f in shown) Console.WriteLine($"  FAIL {f}");
        if (!options.Verbose && r.Failures.Count > options.FailuresShown)
            Console.WriteLine($"  ... and {r.Failures.Count - options.FailuresShown} more failures (--verbose shows all)");
        if (options.Verbose)
            foreach (var m in r.Mismatches) Console.WriteLine($"  MESSAGE {m}");
        Console.Out.Flush();
    }
}

// Executes CREATE FUNCTION / DROP FUNCTION / SHOW FUNCTIONS: obtains the module (base64, file or compiler), checks
// that it provides the declared function, and writes module + definition in one SQLite savepoint so a crash leaves
// either the old catalog or the new one; then reloads the registry so every connection sees the change.
using Microsoft.Data.Sqlite;
using Wasql.Database.Catalog;
using Wasql.Database.Compilers;
using Wasql.Database.Sql;
using Wasql.Udf;

namespace Wasql.Database.Functions;

internal static class FunctionDdl
{
    public static readonly IReadOnlyList<ColumnInfo> ShowColumns =
    [
        new("name", "text"), new("arguments", "text"), new("return_type", "text"), new("kind", "text"),
        new("language", "text"), new("abi", "text"), new("export", "text"), new("module_sha256", "text"),
        new("module_size", "int8"), new("status", "text"),
    ];

    public static QueryResult Execute(WasqlConnection connection, WasqlCommand command, PreparedSql prepared)
    {
        try
        {
            return command switch
            {
                CreateFunctionCommand c => Create(connection, c),
                DropFunctionCommand d => Drop(connection, d),
                ShowFunctionsCommand => Show(connection),
                _ => throw new WasqlException(SqlStates.FeatureNotSupported, "unsupported statement"),
            };
        }
        catch (WasqlException e) when (e.Position is not null && prepared.Offset > 0)
        {
            throw e.WithPosition(e.Position + prepared.Offset);
        }
    }

    private static QueryResult Show(WasqlConnection connection)
    {
        var rows = connection.Database.Registry.Functions.Select(f => new object?[]
        {
            f.Name, string.Join(", ", f.ArgumentTypes), f.Stored.ReturnType, f.Stored.Kind, f.Stored.Language, f.Stored.Abi,
            f.Stored.ExportName, f.Stored.ModuleSha256, f.ModuleSize, f.LoadError is null ? "ok" : "error: " + f.LoadError,
        }).ToList();
        return new QueryResult(ShowColumns, rows, 0, $"SHOW {rows.Count}");
    }

    private static QueryResult Create(WasqlConnection connection, CreateFunctionCommand c)
    {
        var db = connection.Database;
        if (c.IfNotExists && db.Registry.Functions.Any(f => f.Name == c.Name && f.ArgumentTypes.SequenceEqual(c.ArgumentTypes)))
            return QueryResult.Command("CREATE FUNCTION");   // kept as it is, nothing compiled or loaded
        byte[] wasm;
        string? source = null;
        string abi, export;
        var options = new Dictionary<string, string>(c.With, StringComparer.OrdinalIgnoreCase);
        switch (c.Language)
        {
            case "wasm":
                wasm = ReadWasm(c);
                abi = c.With.TryGetValue("abi", out var a) ? NormalizeAbi(a, c) : "";
                export = c.With.TryGetValue("export", out var e) ? e : c.With.TryGetValue("name", out var n) ? n : c.Name;
                break;
            case "rust" or "c":
                if (c.Body is null)
                    throw new WasqlException(SqlStates.InvalidFunctionDefinition, $"LANGUAGE {c.Language} needs the source: AS $$ ... $$", c.LanguagePosition);
                source = c.Body;
                var generated = SourceCompiler.Generate(c.Language, c.Name, c.ArgumentTypes, c.ReturnType, c.TableColumns?.Count ?? 0,
                    c.Body, c.SourcePosition);
                wasm = SourceCompiler.Compile(db, generated, c.Name, c.SourcePosition, () => connection.CancelRequested);
                DirectOptions.Write(options, generated.Shape);
                abi = "direct";
                export = c.Name;
                break;
            default:
                throw new WasqlException(SqlStates.UndefinedObject, $"language \"{c.Language}\" does not exist (use wasm, rust or c)", c.LanguagePosition);
        }
        if (wasm.Length < 8 || wasm[0] != 0 || wasm[1] != (byte)'a' || wasm[2] != (byte)'s' || wasm[3] != (byte)'m')
            throw new WasqlException(SqlStates.InvalidParameterValue, "not a WebAssembly module (missing \\0asm header)", c.SourcePosition);

        var sha = ModuleCodec.Sha256Hex(wasm);
        UdfModule module;
        try { module = db.Registry.AcquireModule(sha, wasm, c.Name); }
        catch (UdfException ue)
        {
            throw new WasqlException(SqlStates.InvalidParameterValue, $"invalid WebAssembly module: {ue.Cause}", c.SourcePosition, ue);
        }
        // Our reference keeps the module loaded until the registry, reloaded after the write, holds its own.
        try
        {
            if (abi.Length == 0) abi = module.IsArrowUdf ? "arrow-udf" : "direct";

            var stored = new StoredFunction(c.Name, c.ArgumentTypes, c.ReturnType, c.IsTable ? "table" : "scalar",
                c.TableColumns ?? [], c.Language, abi, export, sha, source,
                options.Count == 0 ? null : System.Text.Json.JsonSerializer.Serialize(options));
            try { FunctionRegistry.Bind(stored, module, wasm.Length); }
            catch (UdfException ue)
            {
                throw new WasqlException(ue.Kind == UdfErrorKind.Signature ? SqlStates.InvalidFunctionDefinition : SqlStates.InvalidParameterValue,
                    ue.Cause, c.NamePosition, ue);
            }
            catch (WasqlException we) when (we.Position is null) { throw we.WithPosition(c.NamePosition); }

            InSavepoint(connection, s =>
            {
                var existed = CatalogStore.DeleteFunction(s, c.Name, stored.ArgKey) > 0;
                if (existed && !c.OrReplace)
                    throw new WasqlException(SqlStates.DuplicateFunction,
                        $"function {c.Name}({string.Join(", ", c.ArgumentTypes)}) already exists; use CREATE OR REPLACE FUNCTION", c.NamePosition);
                CatalogStore.InsertModule(s, sha, wasm);
                CatalogStore.InsertFunction(s, stored);
                CatalogStore.DeleteUnusedModules(s);
            });
        }
        finally
        {
            db.Registry.ReleaseModule(sha);
        }
        return QueryResult.Command("CREATE FUNCTION");
    }

    private static string NormalizeAbi(string abi, CreateFunctionCommand c) => abi.ToLowerInvariant() switch
    {
        "direct" or "plain" => "direct",
        "arrow-udf" or "arrow_udf" or "arrowudf" or "arrow" => "arrow-udf",
        _ => throw new WasqlException(SqlStates.InvalidParameterValue, $"unknown abi '{abi}' (use 'direct' or 'arrow-udf')", c.NamePosition),
    };

    private static byte[] ReadWasm(CreateFunctionCommand c)
    {
        if (c.Base64 is null && c.FilePath is null)
            throw new WasqlException(SqlStates.InvalidFunctionDefinition, "LANGUAGE wasm needs USING BASE64 '...' or USING FILE '/path/module.wasm'", c.LanguagePosition);
        return ModuleSource.Read(c.Base64, c.FilePath, null, c.SourcePosition);
    }

    private static QueryResult Drop(WasqlConnection connection, DropFunctionCommand d)
    {
        var argKey = d.ArgumentTypes is null ? null : string.Join(",", d.ArgumentTypes);
        int deleted = 0;
        InSavepoint(connection, s =>
        {
            deleted = CatalogStore.DeleteFunction(s, d.Name, argKey);
            if (deleted == 0 && !d.IfExists)
                throw new WasqlException(SqlStates.UndefinedFunction,
                    $"function {d.Name}{(d.ArgumentTypes is null ? "" : $"({string.Join(", ", d.ArgumentTypes)})")} does not exist", d.NamePosition);
            CatalogStore.DeleteUnusedModules(s);
        });
        return QueryResult.Command("DROP FUNCTION");
    }

    /// <summary>Runs the catalog writes atomically (a savepoint, so it also nests in a user transaction), then reloads
    /// the registry from what this connection now sees.</summary>
    private static void InSavepoint(WasqlConnection connection, Action<SqliteConnection> write)
    {
        var s = connection.SqliteConnection;
        CatalogTransaction.InSavepoint(s, "wasql_catalog", () => { write(s); return 0; });
        if (connection.InTransaction) connection.CatalogChangedInTransaction = true;
        connection.Database.Registry.Reload(s);
    }
}

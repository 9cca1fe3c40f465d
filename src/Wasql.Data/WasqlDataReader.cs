// The rows of a command: each statement of the command text in turn (NextResult), streamed from the database's
// WasqlRowReader. Statements that return no rows are run on the way to the next row set, as Microsoft.Data.Sqlite
// does; RecordsAffected adds up every INSERT/UPDATE/DELETE. Values come typed by the column's declaration.
using System.Collections;
using System.Data;
using System.Data.Common;
using Wasql.Database;

namespace Wasql.Data;

/// <summary>Reads the row sets of a <see cref="WasqlCommand"/> forward only.</summary>
public sealed class WasqlDataReader : DbDataReader
{
    private readonly WasqlCommand _command;
    private readonly Queue<string> _statements;
    private readonly CommandBehavior _behavior;
    private readonly IDisposable? _cancellation;
    private WasqlRowReader? _rows;
    private WasqlType?[] _types = [];
    private int _affected = -1;
    private bool _closed, _onRow;

    internal WasqlDataReader(WasqlCommand command, IEnumerable<string> statements, CommandBehavior behavior, IDisposable? cancellation)
    {
        _command = command;
        _statements = new Queue<string>(statements);
        _behavior = behavior;
        _cancellation = cancellation;
        try
        {
            Advance();
        }
        catch
        {
            Close();
            throw;
        }
    }

    /// <inheritdoc/>
    public override int Depth => 0;
    /// <inheritdoc/>
    public override int FieldCount => _rows?.FieldCount ?? 0;
    /// <inheritdoc/>
    public override bool HasRows => _rows is { HasRows: true };
    /// <inheritdoc/>
    public override bool IsClosed => _closed;
    /// <inheritdoc/>
    public override int RecordsAffected => _affected;
    /// <summary>Notices the current statement raised (e.g. by query plugins).</summary>
    public IReadOnlyList<string> Notices => _rows?.Notices ?? [];

    /// <inheritdoc/>
    public override object this[int ordinal] => GetValue(ordinal);
    /// <inheritdoc/>
    public override object this[string name] => GetValue(GetOrdinal(name));

    /// <inheritdoc/>
    public override bool Read()
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (_rows is null) return false;
        _onRow = _rows.Read();
        if (!_onRow) Count(_rows);
        return _onRow;
    }

    /// <inheritdoc/>
    public override bool NextResult()
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (_behavior.HasFlag(CommandBehavior.SingleResult)) { Finish(); return false; }
        return Advance();
    }

    /// <summary>Finishes the current statement and runs the next ones until one returns rows.</summary>
    private bool Advance()
    {
        Finish();
        while (_statements.TryDequeue(out var sql))
        {
            var rows = _command.Run(sql);
            if (rows.HasRows)
            {
                _rows = rows;
                _types = ColumnTypesOf(sql, rows);
                return true;
            }
            using (rows)
            {
                while (rows.Read()) { }
                Count(rows);
            }
        }
        return false;
    }

    /// <summary>Declared types, and for expression columns (function calls, CASTs, literals) the type the select list
    /// makes certain, e.g. an int4 function's Int32; other columns keep their stored values' types.</summary>
    private WasqlType?[] ColumnTypesOf(string sql, WasqlRowReader rows)
    {
        var types = rows.Columns.Select(c => ColumnTypes.FromDeclared(c.DeclaredType)).ToArray();
        if (types.All(t => t is not null)) return types;
        Dictionary<string, string>? functions = null;
        var inferred = Database.Sql.ResultTypes.Infer(sql, types.Length, name =>
        {
            functions ??= _command.Connection!.Session.ListFunctions().GroupBy(f => f.Name).ToDictionary(g => g.Key, g => g.First().ReturnType);
            return functions.GetValueOrDefault(name);
        });
        for (int i = 0; i < types.Length; i++) types[i] ??= inferred[i];
        return types;
    }

    private void Finish()
    {
        if (_rows is not { } rows) return;
        _rows = null;
        _onRow = false;
        using (rows)
            while (rows.Read()) { }
        Count(rows);
    }

    private WasqlRowReader? _lastCounted;

    /// <summary>Adds a finished statement's changed rows to <see cref="RecordsAffected"/> (once per statement).</summary>
    private void Count(WasqlRowReader rows)
    {
        if (ReferenceEquals(rows, _lastCounted)) return;
        _lastCounted = rows;
        var verb = rows.CommandTag.Split(' ')[0];
        if (verb is "INSERT" or "UPDATE" or "DELETE" or "MERGE" or "COPY")
            _affected = (int)Math.Min(int.MaxValue, Math.Max(_affected, 0) + rows.RecordsAffected);
    }

    /// <inheritdoc/>
    public override void Close()
    {
        if (_closed) return;
        try
        {
            _rows?.Dispose();   // unread rows and statements are skipped, as a reader closed early does
            _rows = null;
        }
        finally
        {
            _closed = true;
            _cancellation?.Dispose();
            _command.ReaderClosed(_behavior.HasFlag(CommandBehavior.CloseConnection));
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing) Close();
        base.Dispose(disposing);
    }

    private WasqlRowReader Rows => _onRow && _rows is { } r ? r
        : throw new InvalidOperationException(_closed ? "the reader is closed" : "no current row: call Read() first (and check it returned true)");

    private WasqlRowReader Columns => _rows ?? throw new InvalidOperationException("the reader has no row set");

    /// <inheritdoc/>
    public override string GetName(int ordinal) => Columns.GetName(ordinal);
    /// <inheritdoc/>
    public override int GetOrdinal(string name)
    {
        var cols = Columns.Columns;
        for (int i = 0; i < cols.Count; i++) if (cols[i].Name == name) return i;
        for (int i = 0; i < cols.Count; i++) if (string.Equals(cols[i].Name, name, StringComparison.OrdinalIgnoreCase)) return i;
        throw new IndexOutOfRangeException($"no column named '{name}' (columns: {string.Join(", ", cols.Select(c => c.Name))})");
    }

    /// <inheritdoc/>
    public override string GetDataTypeName(int ordinal) => Columns.GetDeclaredType(ordinal) ?? (_onRow ? StorageName(Rows.GetValue(ordinal)) : "");

    /// <inheritdoc/>
    public override Type GetFieldType(int ordinal)
    {
        Columns.GetName(ordinal);   // range check
        if (_types[ordinal] is { } t) return FieldValues.ClrType(t);
        return _onRow && _rows!.GetValue(ordinal) is { } v ? FieldValues.StorageType(v) : typeof(object);
    }

    /// <inheritdoc/>
    public override object GetValue(int ordinal)
    {
        var stored = Rows.GetValue(ordinal);
        if (stored is null) return DBNull.Value;
        return _types[ordinal] is { } t ? FieldValues.Convert(stored, t) : stored;
    }

    /// <inheritdoc/>
    public override int GetValues(object[] values)
    {
        int n = Math.Min(values.Length, FieldCount);
        for (int i = 0; i < n; i++) values[i] = GetValue(i);
        return n;
    }

    /// <inheritdoc/>
    public override bool IsDBNull(int ordinal) => Rows.GetValue(ordinal) is null;

    /// <inheritdoc/>
    public override T GetFieldValue<T>(int ordinal)
    {
        var value = GetValue(ordinal);
        if (value is DBNull)
        {
            if (default(T) is null && typeof(T) != typeof(DBNull)) return default!;
            if (typeof(T) == typeof(DBNull)) return (T)(object)DBNull.Value;
            throw new InvalidCastException($"column '{GetName(ordinal)}' is NULL; read it as a nullable type or check IsDBNull");
        }
        var target = Nullable.GetUnderlyingType(typeof(T));
        if (target is null) return FieldValues.As<T>(value, GetName(ordinal));
        return (T)typeof(FieldValues).GetMethod(nameof(FieldValues.As))!.MakeGenericMethod(target).Invoke(null, [value, GetName(ordinal)])!;
    }

    /// <inheritdoc/>
    public override bool GetBoolean(int ordinal) => GetFieldValue<bool>(ordinal);
    /// <inheritdoc/>
    public override byte GetByte(int ordinal) => GetFieldValue<byte>(ordinal);
    /// <inheritdoc/>
    public override char GetChar(int ordinal) => GetFieldValue<char>(ordinal);
    /// <inheritdoc/>
    public override DateTime GetDateTime(int ordinal) => GetFieldValue<DateTime>(ordinal);
    /// <inheritdoc/>
    public override decimal GetDecimal(int ordinal) => GetFieldValue<decimal>(ordinal);
    /// <inheritdoc/>
    public override double GetDouble(int ordinal) => GetFieldValue<double>(ordinal);
    /// <inheritdoc/>
    public override float GetFloat(int ordinal) => GetFieldValue<float>(ordinal);
    /// <inheritdoc/>
    public override Guid GetGuid(int ordinal) => GetFieldValue<Guid>(ordinal);
    /// <inheritdoc/>
    public override short GetInt16(int ordinal) => GetFieldValue<short>(ordinal);
    /// <inheritdoc/>
    public override int GetInt32(int ordinal) => GetFieldValue<int>(ordinal);
    /// <inheritdoc/>
    public override long GetInt64(int ordinal) => GetFieldValue<long>(ordinal);
    /// <inheritdoc/>
    public override string GetString(int ordinal) => GetFieldValue<string>(ordinal);

    /// <inheritdoc/>
    public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length)
    {
        var bytes = GetFieldValue<byte[]>(ordinal);
        if (buffer is null) return bytes.Length;
        int n = (int)Math.Max(0, Math.Min(length, bytes.Length - dataOffset));
        Array.Copy(bytes, dataOffset, buffer, bufferOffset, n);
        return n;
    }

    /// <inheritdoc/>
    public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length)
    {
        var text = GetString(ordinal);
        if (buffer is null) return text.Length;
        int n = (int)Math.Max(0, Math.Min(length, text.Length - dataOffset));
        text.CopyTo((int)dataOffset, buffer, bufferOffset, n);
        return n;
    }

    /// <inheritdoc/>
    public override IEnumerator GetEnumerator() => new DbEnumerator(this, closeReader: false);

    private static string StorageName(object? v) => v switch { long => "INTEGER", double => "REAL", byte[] => "BLOB", null => "", _ => "TEXT" };
}

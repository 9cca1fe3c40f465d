// The parameters of a command, found by name (with or without the @ : $ prefix, case-insensitively, as SQLite's
// parameter names are matched) or by position for bare ? placeholders.
using System.Collections;
using System.Data.Common;

namespace Wasql.Data;

/// <summary>The parameters of a <see cref="WasqlCommand"/>.</summary>
public sealed class WasqlParameterCollection : DbParameterCollection
{
    private readonly List<WasqlParameter> _items = [];

    /// <inheritdoc/>
    public override int Count => _items.Count;
    /// <inheritdoc/>
    public override object SyncRoot => ((ICollection)_items).SyncRoot;

    /// <summary>Adds a parameter with a name and a value.</summary>
    public WasqlParameter AddWithValue(string name, object? value)
    {
        var p = new WasqlParameter(name, value);
        _items.Add(p);
        return p;
    }

    /// <inheritdoc/>
    public override int Add(object value)
    {
        _items.Add(Cast(value));
        return _items.Count - 1;
    }

    /// <inheritdoc/>
    public override void AddRange(Array values)
    {
        foreach (var v in values) Add(v!);
    }

    /// <inheritdoc/>
    public override void Clear() => _items.Clear();
    /// <inheritdoc/>
    public override bool Contains(object value) => value is WasqlParameter p && _items.Contains(p);
    /// <inheritdoc/>
    public override bool Contains(string value) => IndexOf(value) >= 0;
    /// <inheritdoc/>
    public override void CopyTo(Array array, int index) => ((ICollection)_items).CopyTo(array, index);
    /// <inheritdoc/>
    public override IEnumerator GetEnumerator() => _items.GetEnumerator();
    /// <inheritdoc/>
    public override int IndexOf(object value) => value is WasqlParameter p ? _items.IndexOf(p) : -1;

    /// <inheritdoc/>
    public override int IndexOf(string parameterName)
    {
        var bare = new WasqlParameter(parameterName, null).BareName;
        return _items.FindIndex(p => string.Equals(p.BareName, bare, StringComparison.OrdinalIgnoreCase));
    }

    /// <inheritdoc/>
    public override void Insert(int index, object value) => _items.Insert(index, Cast(value));
    /// <inheritdoc/>
    public override void Remove(object value) => _items.Remove(Cast(value));
    /// <inheritdoc/>
    public override void RemoveAt(int index) => _items.RemoveAt(index);

    /// <inheritdoc/>
    public override void RemoveAt(string parameterName)
    {
        var i = IndexOf(parameterName);
        if (i >= 0) _items.RemoveAt(i);
    }

    /// <inheritdoc/>
    protected override DbParameter GetParameter(int index) => _items[index];

    /// <inheritdoc/>
    protected override DbParameter GetParameter(string parameterName) =>
        IndexOf(parameterName) is var i and >= 0 ? _items[i] : throw new IndexOutOfRangeException($"no parameter named '{parameterName}'");

    /// <inheritdoc/>
    protected override void SetParameter(int index, DbParameter value) => _items[index] = Cast(value);

    /// <inheritdoc/>
    protected override void SetParameter(string parameterName, DbParameter value)
    {
        var i = IndexOf(parameterName);
        if (i < 0) _items.Add(Cast(value));
        else _items[i] = Cast(value);
    }

    /// <summary>The value for one statement parameter, by SQLite's name for it or, for <c>?</c>/<c>?N</c>/<c>$N</c>, by
    /// position. A named placeholder without a parameter is SQLSTATE 42P02, as in PostgreSQL.</summary>
    internal object? Resolve(string name, int position)
    {
        bool numbered = name.Length == 0 || (name.Length > 1 && name[1..].All(char.IsAsciiDigit));
        if (!numbered)
        {
            var i = IndexOf(name);
            if (i >= 0) return _items[i].DatabaseValue();
            throw new Database.WasqlException(Database.SqlStates.UndefinedParameter, $"no value for parameter {name}")
            { Hint = $"add it to the command: command.Parameters.AddWithValue(\"{name}\", value)" };
        }
        if (position < _items.Count) return _items[position].DatabaseValue();
        throw new Database.WasqlException(Database.SqlStates.UndefinedParameter, $"no value for parameter ${position + 1}: the command has {_items.Count} parameter(s)");
    }

    private static WasqlParameter Cast(object value) =>
        value as WasqlParameter ?? throw new InvalidCastException($"a WasqlParameterCollection holds WasqlParameter objects, not {value?.GetType().Name ?? "null"}");
}

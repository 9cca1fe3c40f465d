// Builds Map arrays: Append() opens a map, then each entry is one value appended to Keys and one to
// Items (keys must not be NULL). The "entries" struct is assembled at Build and has no NULLs.
using System.Collections;
using Wasql.Arrow.Arrays;
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Builders;

public sealed class MapArrayBuilder : IArrayBuilder
{
    private ByteBuffer _offsets = new();
    private readonly ValidityBuilder _validity = new();

    public MapArrayBuilder(MapType type, IArrayBuilder keys, IArrayBuilder items)
    {
        if (!keys.Type.Equals(type.KeyField.Type) || !items.Type.Equals(type.ValueField.Type))
            throw new ArgumentException($"builders ({keys.Type}, {items.Type}) do not match {type}");
        Type = type;
        Keys = keys;
        Items = items;
    }

    public MapArrayBuilder(MapType type) : this(type, ArrayBuilder.For(type.KeyField.Type), ArrayBuilder.For(type.ValueField.Type)) { }

    public ArrowType Type { get; }
    public IArrayBuilder Keys { get; }
    public IArrayBuilder Items { get; }
    public int Length => _validity.Length;

    public void Append()
    {
        _offsets.Append(Keys.Length);
        _validity.AppendValid();
    }

    public void AppendNull()
    {
        _offsets.Append(Keys.Length);
        _validity.AppendNull();
    }

    public void AppendObject(object? value)
    {
        if (value is null) { AppendNull(); return; }
        Append();
        switch (value)
        {
            case IDictionary dict:
                foreach (DictionaryEntry e in dict) AppendEntry(e.Key, e.Value);
                break;
            case IEnumerable<KeyValuePair<object?, object?>> pairs:
                foreach (var (k, v) in pairs) AppendEntry(k, v);
                break;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                foreach (var (k, v) in pairs) AppendEntry(k, v);
                break;
            default: throw new ArgumentException($"a map value must be a dictionary or key/value pairs, not {value.GetType().Name}");
        }
    }

    private void AppendEntry(object? key, object? value)
    {
        if (key is null) throw new ArgumentException("map keys cannot be NULL");
        Keys.AppendObject(key);
        Items.AppendObject(value);
    }

    public MapArray Build()
    {
        if (Keys.Length != Items.Length)
            throw new InvalidOperationException($"map has {Keys.Length} keys but {Items.Length} values");
        _offsets.Append(Keys.Length);
        int length = Length;
        var type = (MapType)Type;
        var (bits, nulls) = _validity.Build();
        var offsets = _offsets.Detach();
        _offsets = new ByteBuffer();
        int entryCount = Keys.Length;
        var keys = Keys.Build();
        if (keys.NullCount != 0) throw new InvalidOperationException("map keys cannot be NULL");
        var entries = new ArrayData(type.EntriesField.Type, entryCount, 0, 0, [default], [keys.Data, Items.Build().Data]);
        return new MapArray(new ArrayData(type, length, nulls, 0, [bits, offsets], [entries]));
    }

    ArrowArray IArrayBuilder.Build() => Build();
}

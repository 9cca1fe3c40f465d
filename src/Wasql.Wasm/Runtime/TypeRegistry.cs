// Canonical ids for function signatures across all modules of an engine, so call_indirect compares ints.
using System.Collections.Concurrent;

namespace Wasql.Wasm.Runtime;

internal sealed class TypeRegistry
{
    private readonly ConcurrentDictionary<FuncType, int> _ids = new();
    private readonly List<FuncType> _types = [];

    public int IdOf(FuncType type)
    {
        if (_ids.TryGetValue(type, out int id)) return id;
        lock (_types)
        {
            if (_ids.TryGetValue(type, out id)) return id;
            id = _types.Count;
            _types.Add(type);
            _ids[type] = id;
            return id;
        }
    }
}

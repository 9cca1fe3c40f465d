// The functions a server offers, by name, rebuilt from the read-only catalog on reload. Overloads share a name (the
// protocol names functions only): GetFlightInfo describes the first, an exchange picks the one its schema fits.
using Wasql.Database.Catalog;

namespace Wasql.UdfServer.Functions;

internal sealed class FunctionDirectory(ReadOnlyFunctionCatalog catalog)
{
    private IReadOnlyDictionary<string, ServedFunction[]> _byName = Build(catalog);

    public IReadOnlyList<string> LoadErrors => catalog.LoadErrors;

    public IEnumerable<ServedFunction> All => Volatile.Read(ref _byName).Values.SelectMany(v => v);

    public ServedFunction[]? Find(string name) =>
        Volatile.Read(ref _byName).TryGetValue(name.ToLowerInvariant(), out var list) ? list : null;

    /// <summary>Re-reads the catalog; true when functions changed.</summary>
    public bool Reload()
    {
        if (!catalog.Reload()) return false;
        Volatile.Write(ref _byName, Build(catalog));
        return true;
    }

    private static IReadOnlyDictionary<string, ServedFunction[]> Build(ReadOnlyFunctionCatalog catalog) =>
        catalog.Functions.Select(ServedFunction.For).OfType<ServedFunction>()
            .GroupBy(f => f.Name.ToLowerInvariant())
            .ToDictionary(g => g.Key, g => g.OrderBy(f => f.Info.Signature, StringComparer.Ordinal).ToArray());
}

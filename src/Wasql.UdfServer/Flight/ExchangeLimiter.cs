// Bounds the batches evaluated at once across every exchange (the cores, by default): each evaluation holds one pooled
// wasm instance and a core, so more would only queue inside the instance pools. Waiting exchanges queue here in order.
namespace Wasql.UdfServer.Flight;

internal sealed class ExchangeLimiter(int maxConcurrency)
{
    private readonly SemaphoreSlim _slots = new(Math.Max(1, maxConcurrency));

    /// <summary>Runs <paramref name="work"/> on a worker thread once a slot is free.</summary>
    public async Task<T> Run<T>(Func<T> work, CancellationToken ct)
    {
        await _slots.WaitAsync(ct);
        try
        {
            return await Task.Run(work, CancellationToken.None);
        }
        finally
        {
            _slots.Release();
        }
    }
}

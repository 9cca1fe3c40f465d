// The per-connection database thread: the database connection is synchronous, so each client's
// statements run on a dedicated thread and a slow statement never holds an I/O or thread-pool thread.
namespace Wasql.Server.Connection;

internal sealed class DbWorker : IDisposable
{
    private readonly Thread _thread;
    private readonly SemaphoreSlim _ready = new(0);
    private Action? _work;
    private volatile bool _stop;

    public DbWorker(string name)
    {
        _thread = new Thread(Loop, 16 << 20) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Runs <paramref name="f"/> on the worker thread; one call at a time per connection.</summary>
    public Task<T> Run<T>(Func<T> f)
    {
        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work = () =>
        {
            try { tcs.SetResult(f()); }
            catch (Exception e) { tcs.SetException(e); }
        };
        _ready.Release();
        return tcs.Task;
    }

    private void Loop()
    {
        while (true)
        {
            _ready.Wait();
            var w = Interlocked.Exchange(ref _work, null);
            w?.Invoke();                 // work queued before Dispose (closing the session) still runs
            if (_stop) return;
        }
    }

    /// <summary>Stops the thread after the current statement (if any) finishes.</summary>
    public void Dispose()
    {
        _stop = true;
        _ready.Release();
    }
}

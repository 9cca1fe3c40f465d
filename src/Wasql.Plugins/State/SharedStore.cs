// The shared key/value store behind wasql_kv_*: one namespace per plugin plus a global one, shared by every
// connection. Atomic get/set/delete, compare-and-swap and increment with expiry (rate limits, quotas, caches).
// Invariant: every operation on one namespace holds that namespace's lock; expired entries are invisible.
using System.Diagnostics;

namespace Wasql.Plugins.State;

internal enum KvStatus { Ok, NotFound, CasMismatch, Limit, NotANumber }

internal sealed class SharedStore(int maxKeysPerScope)
{
    private sealed class Entry(byte[] value, long expires)
    {
        public byte[] Value = value;
        public long Expires = expires;   // Stopwatch ticks; 0 = never
    }

    private sealed class Space
    {
        public readonly Dictionary<string, Entry> Entries = new(StringComparer.Ordinal);
        public long LastSweep;
    }

    public const string Global = "";
    private readonly Dictionary<string, Space> _spaces = new(StringComparer.Ordinal);

    private Space SpaceOf(string name)
    {
        lock (_spaces)
        {
            if (!_spaces.TryGetValue(name, out var s)) _spaces[name] = s = new Space();
            return s;
        }
    }

    private static long Now => Stopwatch.GetTimestamp();

    private static long ExpiryOf(long ttlMs) => ttlMs <= 0 ? 0 : Now + ttlMs * Stopwatch.Frequency / 1000;

    private static Entry? Live(Space s, string key)
    {
        if (!s.Entries.TryGetValue(key, out var e)) return null;
        if (e.Expires != 0 && e.Expires <= Now)
        {
            s.Entries.Remove(key);
            return null;
        }
        return e;
    }

    /// <summary>Room for a new key: sweeps expired entries (at most once per second) before refusing.</summary>
    private bool HasRoom(Space s)
    {
        if (s.Entries.Count < maxKeysPerScope) return true;
        long now = Now;
        if (now - s.LastSweep < Stopwatch.Frequency) return false;
        s.LastSweep = now;
        foreach (var (k, e) in s.Entries.ToArray())
            if (e.Expires != 0 && e.Expires <= now) s.Entries.Remove(k);
        return s.Entries.Count < maxKeysPerScope;
    }

    /// <summary>Replaces the live entry <paramref name="e"/> (new expiry) or adds one if there is room. Caller holds the lock.</summary>
    private KvStatus Store(Space s, string key, Entry? e, byte[] value, long ttlMs)
    {
        if (e is not null)
        {
            e.Value = value;
            e.Expires = ExpiryOf(ttlMs);
            return KvStatus.Ok;
        }
        if (!HasRoom(s)) return KvStatus.Limit;
        s.Entries[key] = new Entry(value, ExpiryOf(ttlMs));
        return KvStatus.Ok;
    }

    public byte[]? Get(string space, string key)
    {
        var s = SpaceOf(space);
        lock (s) return Live(s, key)?.Value;
    }

    public KvStatus Set(string space, string key, byte[] value, long ttlMs)
    {
        var s = SpaceOf(space);
        lock (s) return Store(s, key, Live(s, key), value, ttlMs);
    }

    public KvStatus Delete(string space, string key)
    {
        var s = SpaceOf(space);
        lock (s) return Live(s, key) is null ? KvStatus.NotFound : s.Entries.Remove(key) ? KvStatus.Ok : KvStatus.NotFound;
    }

    /// <summary>Stores <paramref name="value"/> if the current value equals <paramref name="expected"/> (null: absent).</summary>
    public KvStatus CompareAndSwap(string space, string key, byte[]? expected, byte[] value, long ttlMs)
    {
        var s = SpaceOf(space);
        lock (s)
        {
            var e = Live(s, key);
            if (expected is null ? e is not null : e is null || !e.Value.AsSpan().SequenceEqual(expected)) return KvStatus.CasMismatch;
            return Store(s, key, e, value, ttlMs);
        }
    }

    /// <summary>Adds <paramref name="delta"/> to a decimal value (absent = 0); the expiry is set only on creation.</summary>
    public KvStatus Increment(string space, string key, long delta, long ttlMs, out long result)
    {
        result = 0;
        var s = SpaceOf(space);
        lock (s)
        {
            var e = Live(s, key);
            long current = 0;
            if (e is not null && !long.TryParse(e.Value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out current))
                return KvStatus.NotANumber;
            if (delta > 0 ? current > long.MaxValue - delta : current < long.MinValue - delta) return KvStatus.NotANumber;   // overflow: unchanged
            result = current + delta;
            var bytes = System.Text.Encoding.ASCII.GetBytes(result.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (e is not null)
            {
                e.Value = bytes;
                return KvStatus.Ok;
            }
            if (!HasRoom(s)) return KvStatus.Limit;
            s.Entries[key] = new Entry(bytes, ExpiryOf(ttlMs));
            return KvStatus.Ok;
        }
    }

    /// <summary>Drops a plugin's namespace (DROP PLUGIN).</summary>
    public void Clear(string space)
    {
        lock (_spaces) _spaces.Remove(space);
    }
}

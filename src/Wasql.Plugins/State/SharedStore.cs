// The shared key/value store behind wasql_kv_*: one namespace per plugin plus a global one, shared by every
// connection. Atomic get/set/delete, compare-and-swap and increment with expiry (rate limits, quotas, caches).
// Invariants: every operation on one namespace holds that namespace's lock; expired entries are invisible; a
// namespace never holds more than its key and byte budgets (a hostile plugin cannot exhaust host memory).
using System.Diagnostics;
using System.Globalization;

namespace Wasql.Plugins.State;

internal enum KvStatus { Ok, NotFound, CasMismatch, Limit, NotANumber }

internal sealed class SharedStore(int maxKeysPerScope, long maxBytesPerScope)
{
    private const int EntryOverhead = 64;   // dictionary slot, entry object, array header (approximate)

    private sealed class Entry(byte[] value, long expires)
    {
        public byte[] Value = value;
        public long Expires = expires;   // Stopwatch ticks; 0 = never
    }

    private sealed class Space
    {
        public readonly Dictionary<string, Entry> Entries = new(StringComparer.Ordinal);
        public long Bytes;
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

    private static long SizeOf(string key, byte[] value) => 2L * key.Length + value.Length + EntryOverhead;

    private static void Remove(Space s, string key)
    {
        if (s.Entries.Remove(key, out var e)) s.Bytes -= SizeOf(key, e.Value);
    }

    private static Entry? Live(Space s, string key)
    {
        if (!s.Entries.TryGetValue(key, out var e)) return null;
        if (e.Expires != 0 && e.Expires <= Now)
        {
            Remove(s, key);
            return null;
        }
        return e;
    }

    /// <summary>Room for <paramref name="extraBytes"/> more (and a new key when <paramref name="newKey"/>): sweeps
    /// expired entries (at most once per second) before refusing.</summary>
    private bool HasRoom(Space s, bool newKey, long extraBytes)
    {
        bool Fits() => (!newKey || s.Entries.Count < maxKeysPerScope) && s.Bytes + extraBytes <= maxBytesPerScope;
        if (Fits()) return true;
        long now = Now;
        if (now - s.LastSweep < Stopwatch.Frequency) return false;
        s.LastSweep = now;
        foreach (var (k, e) in s.Entries.ToArray())
            if (e.Expires != 0 && e.Expires <= now) Remove(s, k);
        return Fits();
    }

    /// <summary>Replaces the value of live entry <paramref name="e"/> (or adds the key) within the budgets; a new
    /// expiry is set when <paramref name="setExpiry"/>. Caller holds the lock.</summary>
    private KvStatus Store(Space s, string key, Entry? e, byte[] value, long ttlMs, bool setExpiry = true)
    {
        if (e is not null)
        {
            long growth = value.Length - e.Value.Length;
            if (growth > 0 && !HasRoom(s, newKey: false, growth)) return KvStatus.Limit;
            s.Bytes += growth;
            e.Value = value;
            if (setExpiry) e.Expires = ExpiryOf(ttlMs);
            return KvStatus.Ok;
        }
        long size = SizeOf(key, value);
        if (!HasRoom(s, newKey: true, size)) return KvStatus.Limit;
        s.Entries[key] = new Entry(value, ExpiryOf(ttlMs));
        s.Bytes += size;
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
        lock (s)
        {
            if (Live(s, key) is null) return KvStatus.NotFound;
            Remove(s, key);
            return KvStatus.Ok;
        }
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
            if (e is not null && !long.TryParse(e.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out current))
                return KvStatus.NotANumber;
            if (delta > 0 ? current > long.MaxValue - delta : current < long.MinValue - delta) return KvStatus.NotANumber;   // overflow: unchanged
            var bytes = System.Text.Encoding.ASCII.GetBytes((current + delta).ToString(CultureInfo.InvariantCulture));
            var status = Store(s, key, e, bytes, ttlMs, setExpiry: false);
            if (status == KvStatus.Ok) result = current + delta;
            return status;
        }
    }

    /// <summary>Drops a plugin's namespace (DROP PLUGIN).</summary>
    public void Clear(string space)
    {
        lock (_spaces) _spaces.Remove(space);
    }
}

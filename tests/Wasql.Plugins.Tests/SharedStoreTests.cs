// The shared key/value store behind wasql_kv_*: atomic increments under contention, compare-and-swap, expiry and caps.
using System.Text;
using Wasql.Plugins.State;

namespace Wasql.Plugins.Tests;

public sealed class SharedStoreTests
{
    [Fact]
    public void Increments_are_atomic_across_threads()
    {
        var store = new SharedStore(1000, 1 << 20);
        Parallel.For(0, 8, _ =>
        {
            for (int i = 0; i < 10_000; i++) Assert.Equal(KvStatus.Ok, store.Increment("p", "n", 1, 0, out _));
        });
        Assert.Equal("80000", Encoding.ASCII.GetString(store.Get("p", "n")!));
        Assert.Null(store.Get("other", "n"));   // namespaces are separate
    }

    [Fact]
    public void Expiry_starts_a_new_window_and_is_set_only_on_creation()
    {
        var store = new SharedStore(1000, 1 << 20);
        store.Increment("p", "w", 1, 150, out _);
        Thread.Sleep(60);
        store.Increment("p", "w", 1, 150, out var second);   // same window: the expiry is not pushed back
        Assert.Equal(2, second);
        Thread.Sleep(150);
        Assert.Null(store.Get("p", "w"));
        store.Increment("p", "w", 1, 150, out var fresh);
        Assert.Equal(1, fresh);
        Assert.Equal(KvStatus.Ok, store.Set("p", "text", "abc"u8.ToArray(), 0));
        Assert.Equal(KvStatus.NotANumber, store.Increment("p", "text", 1, 0, out _));
    }

    [Fact]
    public void Compare_and_swap_and_delete()
    {
        var store = new SharedStore(1000, 1 << 20);
        Assert.Equal(KvStatus.Ok, store.CompareAndSwap("p", "k", null, "1"u8.ToArray(), 0));
        Assert.Equal(KvStatus.CasMismatch, store.CompareAndSwap("p", "k", null, "2"u8.ToArray(), 0));
        Assert.Equal(KvStatus.CasMismatch, store.CompareAndSwap("p", "k", "0"u8.ToArray(), "2"u8.ToArray(), 0));
        Assert.Equal(KvStatus.Ok, store.CompareAndSwap("p", "k", "1"u8.ToArray(), "2"u8.ToArray(), 0));
        Assert.Equal("2", Encoding.ASCII.GetString(store.Get("p", "k")!));
        Assert.Equal(KvStatus.Ok, store.Delete("p", "k"));
        Assert.Equal(KvStatus.NotFound, store.Delete("p", "k"));
    }

    [Fact]
    public void A_full_namespace_refuses_new_keys_but_updates_existing_ones()
    {
        var store = new SharedStore(2, 1 << 20);
        Assert.Equal(KvStatus.Ok, store.Set("p", "a", [1], 0));
        Assert.Equal(KvStatus.Ok, store.Set("p", "b", [1], 0));
        Assert.Equal(KvStatus.Limit, store.Set("p", "c", [1], 0));
        Assert.Equal(KvStatus.Limit, store.Increment("p", "c", 1, 0, out _));
        Assert.Equal(KvStatus.Ok, store.Set("p", "a", [2], 0));
        Assert.Equal(KvStatus.Ok, store.Set("q", "c", [1], 0));
    }

    [Fact]
    public void A_namespace_cannot_grow_past_its_byte_budget()
    {
        var store = new SharedStore(1000, 10_000);
        Assert.Equal(KvStatus.Ok, store.Set("p", "a", new byte[4000], 0));
        Assert.Equal(KvStatus.Ok, store.Set("p", "b", new byte[4000], 0));
        Assert.Equal(KvStatus.Limit, store.Set("p", "c", new byte[4000], 0));
        Assert.Equal(KvStatus.Limit, store.Set("p", "a", new byte[8000], 0));   // growing an existing value counts too
        Assert.Equal(KvStatus.Ok, store.Set("p", "a", new byte[10], 0));        // shrinking frees room
        Assert.Equal(KvStatus.Ok, store.Set("p", "c", new byte[4000], 0));
        Assert.Equal(KvStatus.Ok, store.Delete("p", "b"));
        Assert.Equal(KvStatus.Ok, store.Set("p", "d", new byte[4000], 0));
    }
}

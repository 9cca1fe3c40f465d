// A minimal frontend over a raw socket for protocol-level tests: builds startup and typed messages,
// reads backend messages with a timeout.
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace Wasql.Server.Tests;

internal sealed class RawClient : IDisposable
{
    private readonly TcpClient _tcp = new();
    public NetworkStream Stream { get; }

    public RawClient(int port)
    {
        _tcp.Connect("127.0.0.1", port);
        _tcp.NoDelay = true;
        Stream = _tcp.GetStream();
        Stream.ReadTimeout = 10_000;
    }

    public void Send(byte[] bytes) => Stream.Write(bytes);

    public static byte[] Startup(string user = "raw", int version = 196608)
    {
        var body = new List<byte>();
        body.AddRange(BE(version));
        foreach (var s in new[] { "user", user, "database", "wasql", "" }) { body.AddRange(Encoding.UTF8.GetBytes(s)); if (s.Length > 0) body.Add(0); }
        body.Add(0);
        return [.. BE(body.Count + 4), .. body];
    }

    public static byte[] Msg(char type, params object[] parts)
    {
        var body = new List<byte>();
        foreach (var p in parts)
            switch (p)
            {
                case string s: body.AddRange(Encoding.UTF8.GetBytes(s)); body.Add(0); break;
                case int i: body.AddRange(BE(i)); break;
                case short h: body.Add((byte)(h >> 8)); body.Add((byte)h); break;
                case byte[] b: body.AddRange(b); break;
                case byte b1: body.Add(b1); break;
                default: throw new ArgumentException(p.GetType().Name);
            }
        return [(byte)type, .. BE(body.Count + 4), .. body];
    }

    public static byte[] BE(int v) { var b = new byte[4]; BinaryPrimitives.WriteInt32BigEndian(b, v); return b; }

    /// <summary>Reads one backend message; null on EOF.</summary>
    public (char Type, byte[] Body)? Read()
    {
        var h = new byte[5];
        if (!ReadExactly(h)) return null;
        int len = BinaryPrimitives.ReadInt32BigEndian(h.AsSpan(1));
        var body = new byte[len - 4];
        if (!ReadExactly(body)) return null;
        return ((char)h[0], body);
    }

    /// <summary>Reads messages up to and including ReadyForQuery (or EOF / an 'E' FATAL close).</summary>
    public List<(char Type, byte[] Body)> ReadUntilReady()
    {
        var list = new List<(char, byte[])>();
        while (Read() is { } m)
        {
            list.Add(m);
            if (m.Type == 'Z') break;
        }
        return list;
    }

    private bool ReadExactly(byte[] buf)
    {
        int got = 0;
        while (got < buf.Length)
        {
            int n;
            try { n = Stream.Read(buf, got, buf.Length - got); }
            catch (IOException) { return false; }
            if (n == 0) return false;
            got += n;
        }
        return true;
    }

    public static string ErrorField(byte[] body, char field)
    {
        int i = 0;
        while (i < body.Length && body[i] != 0)
        {
            char f = (char)body[i++];
            int e = Array.IndexOf(body, (byte)0, i);
            if (f == field) return Encoding.UTF8.GetString(body, i, e - i);
            i = e + 1;
        }
        return "";
    }

    public void Dispose() => _tcp.Dispose();
}

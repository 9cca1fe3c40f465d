// A filter's WITH_PATTERN compiled for matching: kind list, table globs, regexes (with a match timeout, so a
// pathological pattern cannot stall queries), address blocks and database names. Cheap conditions are tested first;
// tables (which need SQLite to plan the statement) only when every other condition matched.
using System.Net;
using System.Text.RegularExpressions;
using Wasql.Database;
using Wasql.Database.Extensions;
using Wasql.Plugins.Catalog;

namespace Wasql.Plugins.Filters;

internal sealed class FilterPattern
{
    private static readonly TimeSpan s_regexTimeout = TimeSpan.FromMilliseconds(50);
    private readonly string[] _kinds;
    private readonly Regex[] _tables;
    private readonly Regex? _query, _user;
    private readonly (IPAddress Network, int Bits)[] _blocks;
    private readonly bool _local;
    private readonly string[] _databases;

    /// <summary>Compiles <paramref name="d"/>; throws a 22023 WasqlException naming the bad part.</summary>
    public FilterPattern(FilterPatternDefinition d)
    {
        Definition = d;
        _kinds = List(d.Kinds).Select(k => string.Join(' ', k.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant()).ToArray();
        foreach (var k in _kinds)
            if (!StatementKinds.IsKnown(k))
                throw new WasqlException(SqlStates.InvalidParameterValue, $"invalid kinds: unknown statement kind '{k.ToLowerInvariant()}'")
                    { Hint = "valid kinds: " + StatementKinds.Describe() };
        // Table globs run in linear time (non-backtracking) and without a timeout: a guard must never treat a table as
        // unmatched because a loaded machine made a match slow.
        _tables = List(d.Tables).Select(t => new Regex("^" + Regex.Escape(t.ToLowerInvariant()).Replace("\\*", ".*") + "$",
            RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)).ToArray();
        _query = Compile("query_regex", d.QueryRegex, RegexOptions.IgnoreCase);
        _user = Compile("user_regex", d.UserRegex, RegexOptions.None);
        var blocks = new List<(IPAddress, int)>();
        foreach (var a in List(d.ClientAddress))
        {
            if (a.Equals("local", StringComparison.OrdinalIgnoreCase)) { _local = true; continue; }
            blocks.Add(ParseBlock(a));
        }
        _blocks = blocks.ToArray();
        _databases = List(d.Database).ToArray();
    }

    public FilterPatternDefinition Definition { get; }

    public bool NeedsTables => _tables.Length > 0;

    public bool Matches(StatementContext s)
    {
        if (_kinds.Length > 0 && !MatchesKind(s.Kind)) return false;
        var session = s.Session;
        if (_databases.Length > 0 && !_databases.Contains(session.Database, StringComparer.OrdinalIgnoreCase)) return false;
        if ((_blocks.Length > 0 || _local) && !MatchesAddress(session.ClientAddress)) return false;
        if (_user is not null && !SafeMatch(_user, session.User)) return false;
        if (_query is not null && !SafeMatch(_query, s.Text)) return false;
        if (_tables.Length > 0 && !s.Tables.Any(t => _tables.Any(g => g.IsMatch(t)))) return false;
        return true;
    }

    private bool MatchesKind(string kind)
    {
        foreach (var k in _kinds)
            if (kind.Equals(k, StringComparison.OrdinalIgnoreCase) || kind.StartsWith(k + " ", StringComparison.OrdinalIgnoreCase))
                return true;
        return false;
    }

    private bool MatchesAddress(string address)
    {
        if (address.Equals("local", StringComparison.OrdinalIgnoreCase)) return _local;
        if (!IPAddress.TryParse(address, out var ip)) return false;
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        foreach (var (net, bits) in _blocks)
            if (InBlock(ip, net, bits)) return true;
        return false;
    }

    private static bool InBlock(IPAddress ip, IPAddress net, int bits)
    {
        var a = ip.GetAddressBytes();
        var b = net.GetAddressBytes();
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length && bits > 0; i++, bits -= 8)
        {
            int mask = bits >= 8 ? 0xFF : (0xFF << (8 - bits)) & 0xFF;
            if ((a[i] & mask) != (b[i] & mask)) return false;
        }
        return true;
    }

    /// <summary>A regex that takes too long counts as a match: the filter applies (fails closed), so a loaded machine
    /// or a long input cannot make a masking or guard filter skip a statement.</summary>
    private static bool SafeMatch(Regex r, string input)
    {
        try { return r.IsMatch(input); }
        catch (RegexMatchTimeoutException) { return true; }
    }

    private static Regex? Compile(string key, string pattern, RegexOptions options)
    {
        if (pattern.Length == 0) return null;
        try { return new Regex(pattern, options | RegexOptions.CultureInvariant, s_regexTimeout); }
        catch (ArgumentException e) { throw new WasqlException(SqlStates.InvalidParameterValue, $"invalid {key} '{pattern}': {e.Message}"); }
    }

    private static (IPAddress, int) ParseBlock(string text)
    {
        var slash = text.IndexOf('/');
        var addressText = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(addressText, out var ip))
            throw new WasqlException(SqlStates.InvalidParameterValue, $"invalid client_address '{text}': expected an IP address, a CIDR block such as 10.0.0.0/8, or local");
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        int max = ip.GetAddressBytes().Length * 8, bits = max;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), out bits) || bits < 0 || bits > max))
            throw new WasqlException(SqlStates.InvalidParameterValue, $"invalid client_address '{text}': the prefix length must be 0-{max}");
        return (ip, bits);
    }

    private static IEnumerable<string> List(string s) =>
        s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

// Session settings (GUCs) for SET/SHOW/RESET: the ones drivers read or set, statement_timeout (which
// really bounds statements), and ParameterStatus reports for the reported ones.
using System.Globalization;
using System.Text.RegularExpressions;
using Wasql.Server.Sessions;
using Wasql.Server.Connection;
using Wasql.Database;

namespace Wasql.Server.Catalog;

internal static partial class Settings
{
    private static readonly Dictionary<string, string> Defaults = new(StringComparer.OrdinalIgnoreCase)
    {
        ["server_version"] = "15.0", ["server_version_num"] = "150000", ["server_encoding"] = "UTF8", ["client_encoding"] = "UTF8",
        ["DateStyle"] = "ISO, MDY", ["IntervalStyle"] = "postgres", ["TimeZone"] = "UTC", ["integer_datetimes"] = "on",
        ["standard_conforming_strings"] = "on", ["application_name"] = "", ["search_path"] = "\"$user\", public",
        ["statement_timeout"] = "0", ["idle_in_transaction_session_timeout"] = "0", ["lock_timeout"] = "0",
        ["extra_float_digits"] = "1", ["transaction_isolation"] = "serializable", ["default_transaction_isolation"] = "serializable",
        ["transaction_read_only"] = "off", ["max_identifier_length"] = "63", ["bytea_output"] = "hex", ["is_superuser"] = "on",
        ["client_min_messages"] = "notice", ["datestyle"] = "ISO, MDY", ["timezone"] = "UTC", ["max_connections"] = "100",
        ["lc_messages"] = "C", ["lc_monetary"] = "C", ["lc_numeric"] = "C", ["lc_time"] = "C", ["default_transaction_read_only"] = "off",
    };

    private const string LockTimeout = "lock_timeout";

    private static readonly HashSet<string> Reported = new(StringComparer.OrdinalIgnoreCase)
        { "application_name", "DateStyle", "IntervalStyle", "TimeZone", "client_encoding", "standard_conforming_strings", "is_superuser" };

    public static bool IsKnown(string name) => Defaults.ContainsKey(name) || name.Equals("ALL", StringComparison.OrdinalIgnoreCase);

    public static string Get(SessionState c, string name)
    {
        if (name.Equals("statement_timeout", StringComparison.OrdinalIgnoreCase))
            return ((long)c.StatementTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        if (name.Equals(LockTimeout, StringComparison.OrdinalIgnoreCase))
            return ((long)c.Database.LockTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        if (name.Equals("transaction_read_only", StringComparison.OrdinalIgnoreCase))
            return c.Database.InReadOnlyTransaction ? "on" : "off";
        return c.Settings.TryGetValue(name, out var v) ? v : Defaults.GetValueOrDefault(name) ?? "";
    }

    public static QueryResult Show(SessionState c, string name)
    {
        if (name.Equals("ALL", StringComparison.OrdinalIgnoreCase))
            return Interceptor.Rows(["name", "setting", "description"],
                Defaults.Keys.Order(StringComparer.OrdinalIgnoreCase).Select(k => new object?[] { k, Get(c, k), "" }).ToList(), "SHOW");
        return Interceptor.Rows([name.ToLowerInvariant()], [[Get(c, name)]], "SHOW");
    }

    public static QueryResult Set(SessionState c, string sql)
    {
        var m = SetRegex().Match(sql);
        if (!m.Success)
        {
            // SET TRANSACTION / SESSION CHARACTERISTICS (SQLite is serializable), SET SESSION AUTHORIZATION DEFAULT (pool reset)
            if (SetTransactionRegex().IsMatch(sql))
            {
                // SET TRANSACTION READ ONLY | READ WRITE: the database applies the access mode to the open transaction.
                if (c.Database.InTransaction) return c.Database.Execute(sql);
                c.Notices.Add(("WARNING", SqlStates.NoActiveSqlTransaction, "SET TRANSACTION can only be used in transaction blocks"));
                return Interceptor.Tag("SET");
            }
            if (SetTxRegex().IsMatch(sql)) return Interceptor.Tag("SET");
            throw new WasqlException(SqlStates.SyntaxError, $"syntax error in SET: {(sql.Length > 80 ? sql[..80] + "..." : sql)}", 1);
        }
        string name = m.Groups[1].Success && m.Groups[1].Value.Length > 0 ? m.Groups[1].Value : "TimeZone";
        string value = Unquote(m.Groups[2].Value.Trim());
        Apply(c, name, value);
        return Interceptor.Tag("SET");
    }

    public static QueryResult Reset(SessionState c, string sql)
    {
        var m = ResetRegex().Match(sql);
        if (!m.Success) throw new WasqlException(SqlStates.SyntaxError, "syntax error in RESET", 1);
        var name = m.Groups[1].Value;
        if (name.Equals("ALL", StringComparison.OrdinalIgnoreCase))
        {
            c.ResetSettings();
        }
        else if (name.Equals(LockTimeout, StringComparison.OrdinalIgnoreCase)) c.Database.LockTimeout = c.DefaultLockTimeout;
        else Apply(c, name, name.Equals("statement_timeout", StringComparison.OrdinalIgnoreCase)
            ? ((long)c.Options.StatementTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) : Defaults.GetValueOrDefault(name) ?? "");
        return Interceptor.Tag("RESET");
    }

    private static void Apply(SessionState c, string name, string value)
    {
        if (name.Equals("statement_timeout", StringComparison.OrdinalIgnoreCase))
        {
            c.StatementTimeout = ParseDuration(name, value);
            return;
        }
        if (name.Equals(LockTimeout, StringComparison.OrdinalIgnoreCase))
        {
            c.Database.LockTimeout = value.Equals("DEFAULT", StringComparison.OrdinalIgnoreCase) ? c.DefaultLockTimeout : ParseDuration(name, value);
            return;
        }
        if (name.Equals("client_encoding", StringComparison.OrdinalIgnoreCase) &&
            value.Replace("-", "").ToUpperInvariant() is not ("UTF8" or "UNICODE" or "SQL_ASCII"))
            throw new WasqlException(SqlStates.InvalidParameterValue, $"client encoding \"{value}\" is not supported: Wasql speaks UTF8");
        if (name.StartsWith("server_", StringComparison.OrdinalIgnoreCase) || name.Equals("integer_datetimes", StringComparison.OrdinalIgnoreCase))
            throw new WasqlException(SqlStates.CantChangeRuntimeParam, $"parameter \"{name}\" cannot be changed");
        if (!Defaults.ContainsKey(name) && !name.Contains('.'))
        {
            c.Notices.Add(("WARNING", SqlStates.UndefinedObject, $"unrecognized configuration parameter \"{name}\" (accepted, has no effect)"));
        }
        c.Settings[name] = value;
        if (Reported.Contains(name))
        {
            var key = Reported.First(r => r.Equals(name, StringComparison.OrdinalIgnoreCase));
            c.ChangedReported.Add((key, key == "client_encoding" ? "UTF8" : value));
        }
    }

    private static TimeSpan ParseDuration(string name, string v)
    {
        var m = DurationRegex().Match(v.Trim());
        if (!m.Success) throw new WasqlException(SqlStates.InvalidParameterValue, $"invalid value for parameter \"{name}\": \"{v}\"");
        double n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value.ToLowerInvariant() switch
        {
            "" or "ms" => TimeSpan.FromMilliseconds(n), "s" => TimeSpan.FromSeconds(n), "min" => TimeSpan.FromMinutes(n),
            "h" => TimeSpan.FromHours(n), "us" => TimeSpan.FromMicroseconds(n), _ => TimeSpan.FromDays(n),
        };
    }

    private static string Unquote(string v)
    {
        if (v.Length >= 2 && v[0] == '\'' && v[^1] == '\'') return v[1..^1].Replace("''", "'");
        if (v.Length >= 2 && v[0] == '"' && v[^1] == '"') return v[1..^1];
        return v;
    }

    [GeneratedRegex(@"^\s*SET\s+(?:SESSION\s+|LOCAL\s+)?(?:([A-Za-z_][A-Za-z0-9_.]*)\s*(?:=|\bTO\b)|TIME\s+ZONE)\s*(.*?)\s*;?\s*$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex SetRegex();
    [GeneratedRegex(@"^\s*SET\s+(SESSION\s+CHARACTERISTICS|TRANSACTION|SESSION\s+AUTHORIZATION\s+DEFAULT|ROLE\s+NONE)\b", RegexOptions.IgnoreCase)]
    private static partial Regex SetTxRegex();
    [GeneratedRegex(@"^\s*SET\s+TRANSACTION\b", RegexOptions.IgnoreCase)]
    private static partial Regex SetTransactionRegex();
    [GeneratedRegex(@"^\s*RESET\s+([A-Za-z_][A-Za-z0-9_.]*)\s*;?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex ResetRegex();
    [GeneratedRegex(@"^'?(\d+(?:\.\d+)?)\s*(ms|s|min|h|d|us)?'?$", RegexOptions.IgnoreCase)]
    private static partial Regex DurationRegex();
}

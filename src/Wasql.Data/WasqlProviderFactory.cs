// The provider factory (DbProviderFactories.RegisterFactory("Wasql", WasqlProviderFactory.Instance)), for code that
// creates connections, commands and parameters without naming the provider's types.
using System.Data.Common;

namespace Wasql.Data;

/// <summary>Creates the Wasql ADO.NET provider's objects.</summary>
public sealed class WasqlProviderFactory : DbProviderFactory
{
    /// <summary>The provider's invariant name for <see cref="DbProviderFactories"/>.</summary>
    public const string InvariantName = "Wasql";

    /// <summary>The one instance.</summary>
    public static readonly WasqlProviderFactory Instance = new();

    private WasqlProviderFactory() { }

    /// <inheritdoc/>
    public override DbConnection CreateConnection() => new WasqlDbConnection();
    /// <inheritdoc/>
    public override DbCommand CreateCommand() => new WasqlCommand();
    /// <inheritdoc/>
    public override DbParameter CreateParameter() => new WasqlParameter();
    /// <inheritdoc/>
    public override DbConnectionStringBuilder CreateConnectionStringBuilder() => new WasqlConnectionStringBuilder();
}

using Palisade.Storage.Contract;

namespace Palisade.Storage.Sqlite.Tests;

/// <summary>The store contract's CampaignStoreContract (tests/Palisade.Storage.Contract), run against Sqlite.</summary>
public sealed class SqliteCampaignStoreContract : CampaignStoreContract<SqliteStoreFactory>
{
}

using Palisade.Acs.Storage;

namespace Palisade.Storage.Contract;

/// <summary>
/// Opens the store a contract test runs against. One factory per test: the first open finds an empty store, later
/// opens (after the previous one was disposed) find what was written before. Disposing it removes the store.
/// </summary>
public interface IStoreFactory : IDisposable
{
    /// <summary>Opens the store (creating it on first use).</summary>
    Task<IPalisadeStore> OpenAsync();
}

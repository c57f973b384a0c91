using Palisade.Acs.Query;
using Palisade.Acs.Services;

namespace Palisade.Acs.Access;

/// <summary>
/// Who is calling a service: an API key or a signed-in user, with a role, an optional device scope and the address
/// the request came from (for the audit log).
/// </summary>
/// <param name="Actor"><c>key:NAME</c> or <c>user:NAME</c>, as written in the audit log.</param>
/// <param name="Role">One of <see cref="Roles.All"/>.</param>
/// <param name="DeviceScope">The devices the caller may see and touch; null for all.</param>
/// <param name="DeviceScopeText">The scope as written (what a key created by this caller inherits).</param>
/// <param name="Source">The caller's address, or "-".</param>
public sealed record Caller(string Actor, string Role, Filter? DeviceScope, string? DeviceScopeText, string Source = "-")
{
    /// <summary>True when the caller's role includes <paramref name="permission"/>.</summary>
    public bool Can(Permission permission) => Roles.Allows(Role, permission);

    /// <summary>Throws a <see cref="ServiceErrorReason.Forbidden"/> unless the caller's role includes <paramref name="permission"/>.</summary>
    public void Demand(Permission permission)
    {
        if (!Can(permission))
        {
            throw ServiceException.Forbidden(permission);
        }
    }

    /// <summary>The filter narrowed to the caller's scope.</summary>
    public Filter? Scoped(Filter? filter) =>
        DeviceScope is null ? filter : filter is null ? DeviceScope : new AndFilter(DeviceScope, filter);
}

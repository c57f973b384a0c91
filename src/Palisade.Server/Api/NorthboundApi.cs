using Microsoft.AspNetCore.Builder;

namespace Palisade.Server.Api;

/// <summary>
/// The REST API under <c>/api/v1/</c>: one endpoint file per resource, each parsing HTTP and calling a service.
/// Every rule (permissions, scope, validation, audit) lives in the services of Palisade.Acs.
/// </summary>
internal static class NorthboundApi
{
    public static void Map(WebApplication app, ApiServices services)
    {
        var api = app.MapGroup("/api/v1");
        SessionsEndpoints.Map(api, services.SignIn);
        DevicesEndpoints.Map(api, services.Devices);
        DeviceImportEndpoints.Map(api, services.Import);
        DeviceEventsEndpoints.Map(api, services.Devices);
        TasksEndpoints.Map(api, services.Tasks);
        FaultsEndpoints.Map(api, services.Faults);
        KeysEndpoints.Map(api, services.Access);
        UsersEndpoints.Map(api, services.Access);
        AuditEndpoints.Map(api, services.Audit);
        PostureEndpoints.Map(api, services.Posture);
        ProvisioningEndpoints.Map(api, services.Provisioning);
        if (services.Files is not null)
        {
            FilesEndpoints.Map(api, services.Files);
        }

        if (services.Campaigns is not null)
        {
            CampaignsEndpoints.Map(api, services.Campaigns);
        }
    }
}

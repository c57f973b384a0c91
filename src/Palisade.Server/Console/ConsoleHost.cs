using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Palisade.Server.Api;

namespace Palisade.Server.Console;

/// <summary>
/// The web console: Razor Pages under <c>Console/Pages</c>, served on the API's port beside <c>/api/v1/</c>. It calls
/// the same services as the API with a <see cref="Acs.Access.Caller"/> from the signed-in user's session cookie;
/// every rule (permissions, scope, validation, audit) stays in those services.
/// </summary>
internal static class ConsoleHost
{
    // Room for the form's other fields and the multipart framing around an upload.
    private const long UploadOverhead = 64 * 1024;

    /// <summary>Registers Razor Pages, antiforgery, the console's sessions and its own services (dry run, saved searches).</summary>
    public static void Add(IServiceCollection services, ApiServices api, Acs.Storage.IPalisadeStore store, ConsoleOptions options, Acs.Sessions.SessionCounters sessions, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(new Acs.Provisioning.ProvisioningDryRun(store, options.Scripts, time));
        services.AddSingleton(_ => new SessionRate(sessions, time));
        services.AddSingleton(api);
        services.AddSingleton(new Acs.SavedSearches.SavedSearchService(store, time));
        services.AddSingleton(options);
        services.AddSingleton(new ConsoleSessions(api.SignIn));
        services.AddSingleton(time);

        // An upload on /files is one multipart body as large as the file store takes (the listener's bound is raised
        // for that request alone, for a user who may write files; see Map).
        if (api.Files is { } files)
        {
            services.Configure<FormOptions>(o => o.MultipartBodyLengthLimit = files.Limits.MaxFileBytes + UploadOverhead);
        }

        // Antiforgery tokens are protected with keys that live as long as the process: sign-in sessions are in memory
        // too, so a restart signs everyone out anyway and a stale form is simply shown again.
        services.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "__Host-palisade-af";
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.HttpOnly = true;
            o.FormFieldName = "__csrf";
            o.SuppressXFrameOptionsHeader = true;
        });
        services.AddRazorPages(o =>
            {
                o.RootDirectory = "/Console/Pages";
                o.Conventions.ConfigureFilter(new AutoValidateAntiforgeryTokenAttribute());
            })
            .AddApplicationPart(typeof(ConsoleHost).Assembly)
            .AddCookieTempDataProvider(o =>
            {
                o.Cookie.Name = "__Host-palisade-msg";
                o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.HttpOnly = true;
                o.Cookie.IsEssential = true;
            });
    }

    /// <summary>Resolves the console session, sets the console's headers, serves its two assets and maps the pages.</summary>
    public static void Map(WebApplication app)
    {
        var sessions = app.Services.GetRequiredService<ConsoleSessions>();
        var api = app.Services.GetRequiredService<ApiServices>();
        app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
            {
                ConsoleHeaders.Apply(context);
                await sessions.ResolveAsync(context).ConfigureAwait(false);
                AllowUpload(context, api.Files);
            }

            await next(context).ConfigureAwait(false);
        });
        MapAsset(app, "console.css", "text/css; charset=utf-8");
        MapAsset(app, "console.js", "text/javascript; charset=utf-8");
        app.MapRazorPages();
    }

    // Only a signed-in user whose role writes files may send more than the listener's body bound, and only to the
    // upload form; the service still checks the permission and counts the bytes against its own bound.
    private static void AllowUpload(HttpContext context, Acs.Files.FileService? files)
    {
        if (files is not null && HttpMethods.IsPost(context.Request.Method) && context.Request.Path == "/files"
            && context.Request.Query["handler"] == "Upload" && ConsoleSessions.Caller(context)?.Can(Acs.Access.Permission.WriteFiles) == true
            && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bound)
        {
            bound.MaxRequestBodySize = files.Limits.MaxFileBytes + UploadOverhead;
        }
    }

    private static void MapAsset(WebApplication app, string name, string contentType)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("console/" + name)
            ?? throw new InvalidOperationException("The console asset " + name + " is not embedded.");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        var bytes = memory.ToArray();
        app.MapGet("/console/" + name, () => Results.Bytes(bytes, contentType));
    }
}

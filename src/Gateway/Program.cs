using MlOps.Orleans.Gateway.Hosting;

// A standalone gateway: an Orleans client in front of a silo cluster, serving the same endpoints as an embedded silo.
// Configuration files are read once: reload-on-change watches the content root recursively, and with the data folder
// under it every SQLite WAL write raised a file event (12-16% of metric ingest went to it).
Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args });
var options = builder.AddMlopsDefaults(args);
builder.AddMlopsClusterClient(options);
builder.AddMlopsEndpoints(options);
var app = builder.Build();
app.MapMlopsEndpoints();
await app.RunAsync();

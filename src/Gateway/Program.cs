using MlOps.Orleans.Gateway.Hosting;
using MlOps.Orleans.Hosting;
using MlOps.Orleans.Hosting.Observability;

// A standalone gateway: an Orleans client in front of a silo cluster, serving the same endpoints as an embedded silo.
var builder = ServiceDefaults.CreateBuilder(args);
var options = builder.AddMlopsDefaults(args);
builder.AddMlopsClusterClient(options);
builder.AddMlopsEndpoints(options);
var app = builder.Build();
// First, so /metrics and the dashboard are refused on the API ports before any other middleware sees them.
app.MapMlopsObservability();
app.MapMlopsEndpoints();
await app.RunAsync();

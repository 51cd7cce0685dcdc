using MlOps.Orleans.Gateway.Hosting;
using MlOps.Orleans.Hosting;
using MlOps.Orleans.Hosting.Observability;
using MlOps.Orleans.Silo.Hosting;

// One silo. Embedded (the default): with the gateway's endpoints co-hosted and the catalog in SQLite under ./data.
// Cluster: one of N silos sharing PostgreSQL.
var builder = ServiceDefaults.CreateBuilder(args);
var options = builder.AddMlopsDefaults(args);
await builder.AddMlopsSiloAsync(options);
if (options.ServeEndpoints || !options.IsCluster) builder.AddMlopsEndpoints(options);
var app = builder.Build();
// First, so /metrics and the dashboard are refused on the API ports before any other middleware sees them.
app.MapMlopsObservability();
if (options.ServeEndpoints || !options.IsCluster) app.MapMlopsEndpoints();
await app.RunAsync();

namespace MlOps.Orleans.Contracts.Tracking;

/// <summary>Single writer of one experiment, keyed by its immutable int64 id (as a string).</summary>
[Alias("mlops.tracking.IExperimentGrain")]
public interface IExperimentGrain : IGrainWithStringKey
{
    [Alias("Create")] Task<ExperimentInfo> Create(CreateExperiment command);
    [Alias("Get")] Task<ExperimentInfo> Get();
    [Alias("Rename")] Task<ExperimentInfo> Rename(string newName);
    [Alias("SetTag")] Task<ExperimentInfo> SetTag(string key, string value);
    [Alias("DeleteTag")] Task<ExperimentInfo> DeleteTag(string key);
    [Alias("Delete")] Task<ExperimentInfo> Delete();
    [Alias("Restore")] Task<ExperimentInfo> Restore();
}

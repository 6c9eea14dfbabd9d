// TorchSharp work saturates both cores, and the leak tests read the process-wide live tensor count.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

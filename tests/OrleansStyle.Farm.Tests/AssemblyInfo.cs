// Clusters and Torch share two cores: run test classes one after another so timings and device queues are predictable.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

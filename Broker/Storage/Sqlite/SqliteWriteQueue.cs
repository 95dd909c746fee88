using System.Threading.Channels;

namespace CreatiWall.Broker.Storage.Sqlite;

/// <summary>
/// The one writer: every change is queued to one worker that runs whatever is waiting in a single transaction (group
/// commit), in order, and completes each once that transaction is committed (synchronous=NORMAL in WAL mode: it
/// survives the process being killed). A commit is paid per batch, not per change.
/// </summary>
internal sealed class SqliteWriteQueue : IDisposable
{
    const int MaxBatch = 512;

    readonly SqliteSession _db;
    readonly Channel<Operation> _queue = Channel.CreateUnbounded<Operation>(new UnboundedChannelOptions { SingleReader = true });
    readonly Task _worker;

    public SqliteWriteQueue(SqliteSession db)
    {
        _db = db;
        _worker = Task.Run(RunQueueAsync);
    }

    /// <summary>False once the worker has stopped (disposed, or failed outside any operation): nothing queued would run.</summary>
    public bool IsRunning => !_worker.IsCompleted;

    /// <summary>Queues <paramref name="work"/>, run on the writer's connection inside its transaction; completes once committed.</summary>
    public Task<T> RunAsync<T>(Func<SqliteSession, T> work)
    {
        var operation = new Operation<T>(work);
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(operation), typeof(SqliteStore));

        return operation.Task;
    }

    abstract class Operation
    {
        public abstract void Run(SqliteSession db);

        public abstract void Complete();

        public abstract void Fail(Exception error);
    }

    sealed class Operation<T>(Func<SqliteSession, T> work) : Operation
    {
        readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        T _result = default!;

        public Task<T> Task => _done.Task;

        public override void Run(SqliteSession db) => _result = work(db);

        public override void Complete() => _done.TrySetResult(_result);

        public override void Fail(Exception error) => _done.TrySetException(error);
    }

    /// <summary>
    /// Runs queued operations in order, as many as are waiting in one transaction, and completes them once that
    /// transaction is committed.
    /// </summary>
    async Task RunQueueAsync()
    {
        var batch = new List<Operation>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            if (!RunBatch(batch, isolated: false))
            {
                RunBatch(batch, isolated: true);
            }

            batch.Clear();
        }
    }

    /// <summary>
    /// Runs the batch in one transaction. When an operation throws, a batch run as a whole is rolled back (false) to be
    /// run again <paramref name="isolated"/>: each operation under its own savepoint, so only the failing one is undone
    /// (savepoints cost two statements per operation, so they are not paid on every batch).
    /// </summary>
    bool RunBatch(List<Operation> batch, bool isolated)
    {
        var succeeded = new List<Operation>(batch.Count);
        try
        {
            using var transaction = _db.Transaction = _db.Connection.BeginTransaction();
            foreach (var operation in batch)
            {
                if (!isolated)
                {
                    try
                    {
                        operation.Run(_db);
                    }
                    catch (Exception)
                    {
                        transaction.Rollback();
                        return false;
                    }

                    succeeded.Add(operation);
                    continue;
                }

                _db.Execute("SAVEPOINT op");
                try
                {
                    operation.Run(_db);
                    _db.Execute("RELEASE op");
                    succeeded.Add(operation);
                }
                catch (Exception error)
                {
                    _db.Execute("ROLLBACK TO op");
                    _db.Execute("RELEASE op");
                    operation.Fail(error);
                }
            }

            transaction.Commit();
        }
        catch (Exception error)
        {
            batch.ForEach(o => o.Fail(error)); // whatever was not failed on its own is not committed either
            return true;
        }
        finally
        {
            _db.Transaction = null;
        }

        succeeded.ForEach(o => o.Complete());
        return true;
    }

    /// <summary>Runs what is queued, then stops the worker (waiting at most 10 s).</summary>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _worker.Wait(TimeSpan.FromSeconds(10));
    }
}

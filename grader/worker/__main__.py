from grader.worker.serve import main

main()

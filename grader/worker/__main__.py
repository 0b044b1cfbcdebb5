from grader.worker.zygote import main

main()

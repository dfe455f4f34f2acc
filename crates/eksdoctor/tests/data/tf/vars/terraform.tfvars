k8s_version = "1.29"
